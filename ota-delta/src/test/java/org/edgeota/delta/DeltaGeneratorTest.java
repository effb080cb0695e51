package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.delta.DeltaTestSupport.write;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaGeneratorTest {
  @TempDir Path dir;

  @Test
  void diff_smallEdit_writesPatchWellBelowRatio() throws Exception {
    byte[] old = Images.firmware(1, 100_000);
    byte[] neu = Images.nextRelease(old, 2);
    Path patch = dir.resolve("p.bsdiff");

    DeltaResult r =
        DeltaGenerator.withDefaults().diff(write(dir, "old", old), write(dir, "new", neu), patch);

    assertThat(r.created()).isTrue();
    assertThat(r.patch()).contains(patch.toAbsolutePath());
    assertThat(Files.size(patch)).isEqualTo(r.patchSize());
    assertThat(r.ratio()).isLessThan(DeltaGenerator.DEFAULT_MAX_RATIO);
    assertThat(r.fullSize()).isEqualTo(neu.length);
    assertThat(r.reason()).startsWith("created");
    assertThat(DeltaTestSupport.apply(DeltaApplier.withDefaults(), dir, old, patch, neu))
        .isEqualTo(neu);
  }

  @Test
  void diff_unrelatedFilesAboveRatio_skipsAndWritesNothing() {
    byte[] old = Images.firmware(1, 20_000);
    byte[] neu = Images.firmware(99, 20_000);
    Path patch = dir.resolve("p.bsdiff");

    DeltaResult r =
        DeltaGenerator.builder()
            .maxRatio(0.05)
            .build()
            .diff(write(dir, "old", old), write(dir, "new", neu), patch);

    assertThat(r.created()).isFalse();
    assertThat(r.patch()).isEmpty();
    assertThat(r.ratio()).isGreaterThan(0.05);
    assertThat(r.reason()).startsWith("skipped").contains("above the maximum 0.050");
    assertThat(patch).doesNotExist();
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder("old", "new");
  }

  @Test
  void diff_emptyNewFile_isSkippedUnlessRatioIsInfinite() {
    Path old = write(dir, "old", Images.firmware(1, 1000));
    Path empty = write(dir, "new", new byte[0]);

    DeltaResult skipped = DeltaGenerator.withDefaults().diff(old, empty, dir.resolve("a"));
    DeltaResult made =
        DeltaGenerator.builder()
            .maxRatio(Double.POSITIVE_INFINITY)
            .build()
            .diff(old, empty, dir.resolve("b"));

    assertThat(skipped.created()).isFalse();
    assertThat(made.created()).isTrue();
  }

  @Test
  void maxRatio_zeroOrNaN_isInvalidArgument() {
    assertThatThrownBy(() -> DeltaGenerator.builder().maxRatio(0))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> DeltaGenerator.builder().maxRatio(Double.NaN))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("maxRatio");
  }

  @Test
  void diff_missingOldFile_isIoError() {
    Path neu = write(dir, "new", new byte[10]);

    assertThatThrownBy(
            () -> DeltaGenerator.withDefaults().diff(dir.resolve("nope"), neu, dir.resolve("p")))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.IO_ERROR));
  }

  /**
   * Regression: {@code ota delta create old.img new.img new.img} (PATCH naming the new image by
   * mistake) replaced the new release image with the patch of a few hundred bytes and reported
   * "created"; the image was lost and could then be packed as the release payload.
   */
  @Test
  void diff_patchPathIsNewImage_throwsInvalidArgumentAndKeepsImage() throws Exception {
    byte[] old = Images.firmware(3, 50_000);
    byte[] neu = Images.nextRelease(old, 4);
    Path oldFile = write(dir, "old", old);
    Path newFile = write(dir, "new", neu);
    DeltaGenerator generator = DeltaGenerator.withDefaults();

    assertThatThrownBy(() -> generator.diff(oldFile, newFile, dir.resolve(".").resolve("new")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("new file")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));

    assertThat(Files.readAllBytes(newFile)).isEqualTo(neu);
  }

  /** Regression: a PATCH that was a symbolic link to the old image replaced the old image. */
  @Test
  void diff_patchPathLinksToOldImage_throwsInvalidArgumentAndKeepsImage() throws Exception {
    byte[] old = Images.firmware(5, 50_000);
    byte[] neu = Images.nextRelease(old, 6);
    Path oldFile = write(dir, "old", old);
    Path newFile = write(dir, "new", neu);
    Path link = Files.createSymbolicLink(dir.resolve("p.bsdiff"), oldFile);
    DeltaGenerator generator = DeltaGenerator.withDefaults();

    assertThatThrownBy(() -> generator.diff(oldFile, newFile, link))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("old file")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));

    assertThat(Files.readAllBytes(oldFile)).isEqualTo(old);
  }

  /**
   * Regression: an endless input such as /dev/zero reports size 0, passed the size check and was
   * then read whole: {@code ota delta create /dev/zero new.img p} died with an OutOfMemoryError and
   * a stack trace.
   */
  @Test
  void diff_endlessOldInput_throwsInvalidArgumentAndWritesNothing() {
    Path zero = Path.of("/dev/zero");
    Assumptions.assumeTrue(Files.isReadable(zero), "no readable /dev/zero on this system");
    Path newFile = write(dir, "new", Images.firmware(7, 10_000));
    Path patch = dir.resolve("p.bsdiff");
    DeltaGenerator generator = DeltaGenerator.withDefaults();

    assertThatThrownBy(() -> generator.diff(zero, newFile, patch))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("/dev/zero")
        .satisfies(
            e -> assertThat(((OtaException) e).reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));

    assertThat(patch).doesNotExist();
  }
}
