package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.edgeota.delta.DeltaTestSupport.sha256;
import static org.edgeota.delta.DeltaTestSupport.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.DeltaTestSupport.Capture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-level fixtures of hostile and malformed patches, built in the test. Each must fail with the
 * documented reason code, and the sink must have received nothing past the valid prefix.
 */
class HostilePatchTest {
  private static final byte[] OLD = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEW = "0123456789ABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII);

  private final DeltaApplier applier = DeltaApplier.withDefaults();

  @TempDir Path dir;

  /** A valid patch from OLD to NEW: 10 bytes of diff (zeros), then 10 bytes of extra. */
  private PatchBuilder valid() {
    return new PatchBuilder()
        .triple(10, 10, 10)
        .diffBytes(new byte[10])
        .extraBytes(Arrays.copyOfRange(NEW, 10, 20));
  }

  private OtaException applyExpectingFailure(byte[] patch, Capture out) {
    return applyExpectingFailure(patch, out, NEW.length);
  }

  private OtaException applyExpectingFailure(byte[] patch, Capture out, long expectedSize) {
    Path p = write(dir, "hostile.patch", patch);
    Path old = write(dir, "old.bin", OLD);
    try (SeekableByteChannel ch = DeltaTestSupport.open(old)) {
      return catchThrowableOfType(
          OtaException.class, () -> applier.apply(ch, p, out, expectedSize, sha256(NEW)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void apply_validFixture_producesNewImage() {
    Path p = write(dir, "valid.patch", valid().build());

    byte[] out = DeltaTestSupport.apply(applier, dir, OLD, p, NEW);

    assertThat(out).isEqualTo(NEW);
  }

  @Test
  void apply_endsleyMagic_isUnsupportedFormat() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().magic("ENDSLEY/").build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_UNSUPPORTED_FORMAT);
    assertThat(e.offendingValue()).isEqualTo("ENDSLEY/");
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_bsdiff43Magic_isUnsupportedFormat() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().magic("BSDIFF43").build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_UNSUPPORTED_FORMAT);
    assertThat(e.getMessage()).contains("BSDIFF43");
  }

  @Test
  void apply_unknownMagic_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().magic("PK\u0003\u0004....").build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("expected BSDIFF40");
  }

  @Test
  void apply_gzipControlBlock_isUnsupportedFormat() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(valid().controlBytes());
    }
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().rawControlBlock(gz.toByteArray()).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_UNSUPPORTED_FORMAT);
    assertThat(e.getMessage()).contains("gzip");
  }

  @Test
  void apply_uncompressedDiffBlock_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().rawDiffBlock(new byte[10]).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("diff block");
  }

  @Test
  void apply_fileShorterThanHeader_isCorrupt() {
    byte[] truncated = Arrays.copyOf(valid().build(), 20);
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(truncated, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header bytes");
  }

  @Test
  void apply_negativeControlLength_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().ctrlLength(-1).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header.controlLength");
  }

  @Test
  void apply_negativeDiffLength_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().diffLength(-7).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header.diffLength");
  }

  @Test
  void apply_blockLengthsLargerThanFile_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().diffLength(1L << 40).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header block lengths");
  }

  @Test
  void apply_blockLengthsThatOverflowWhenAdded_isCorrupt() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            valid().ctrlLength(Long.MAX_VALUE).diffLength(Long.MAX_VALUE).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(out.toByteArray()).isEmpty();
  }

  /** The declared size is refused before anything is allocated or decompressed. */
  @Test
  void apply_declaredNewSizeDifferentFromExpected_isCorruptBeforeAnyWork() {
    byte[] patch = valid().newSize(Long.MAX_VALUE).rawControlBlock(new byte[] {1, 2, 3}).build();
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(patch, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header.newSize").contains("20");
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_negativeNewSize_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().newSize(-20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("header.newSize").contains("-20");
  }

  @Test
  void apply_negativeDiffLengthInTriple_isCorruptWithNothingWritten() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder().triple(-5, 25, 0).extraBytes(NEW).newSize(20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("non-negative");
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_negativeExtraLengthInTriple_isCorruptWithNothingWritten() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder().triple(20, -1, 0).diffBytes(new byte[20]).newSize(20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_diffLengthRunningPastNewSize_isCorruptWithNothingWritten() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder().triple(21, 0, 0).diffBytes(new byte[21]).newSize(20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("run past the new size");
    assertThat(out.toByteArray()).isEmpty();
  }

  /** x + y would overflow a long; each alone fits. */
  @Test
  void apply_lengthsWhoseSumOverflows_isCorruptWithNothingWritten() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder()
                .triple(10, Long.MAX_VALUE, 0)
                .diffBytes(new byte[10])
                .newSize(20)
                .build(),
            out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_oldPositionThatOverflows_isCorruptAfterTheValidPrefixOnly() {
    Capture out = new Capture();
    byte[] patch =
        new PatchBuilder()
            .triple(0, 10, Long.MAX_VALUE)
            .triple(10, 0, 0)
            .extraBytes(Arrays.copyOf(NEW, 10))
            .diffBytes(new byte[10])
            .newSize(20)
            .build();

    OtaException e = applyExpectingFailure(patch, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("overflows");
    assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(NEW, 10));
  }

  @Test
  void apply_controlEndingBeforeOutputComplete_isCorruptAfterTheValidPrefixOnly() {
    Capture out = new Capture();
    byte[] patch =
        new PatchBuilder()
            .triple(10, 0, 0)
            .diffBytes(new byte[10])
            .extraBytes(new byte[10])
            .newSize(20)
            .build();

    OtaException e = applyExpectingFailure(patch, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("control block: ended");
    assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(OLD, 10));
  }

  @Test
  void apply_controlGoingOnAfterOutputComplete_isCorrupt() {
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().triple(0, 0, 0).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("found more data");
  }

  /** A few hundred bytes of bzip2 that expand to two million empty control triples (48 MB). */
  @Test
  void apply_tinyControlBlockExpandingToMillionsOfTriples_failsAfterNewSizePlusOne() {
    byte[] zeros = new byte[2_000_000 * 24];
    byte[] bomb = PatchBuilder.bzip2(zeros, 9);
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().rawControlBlock(bomb).build(), out);

    assertThat(bomb.length).isLessThan(1024);
    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("at most newSize + 1 = 21 triples");
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_diffBlockEndingEarly_isCorrupt() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder().triple(20, 0, 0).diffBytes(new byte[5]).newSize(20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("diff block: ended early");
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_extraBlockEndingEarly_isCorrupt() {
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder().triple(0, 20, 0).extraBytes(new byte[19]).newSize(20).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(e.getMessage()).contains("extra block: ended early");
  }

  @Test
  void apply_flippedBitInsideCompressedData_isCorrupt() {
    byte[] patch = valid().build();
    patch[32 + 20] ^= 0x40;
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(patch, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
  }

  @Test
  void apply_truncatedExtraBlock_isCorrupt() {
    byte[] full = valid().build();
    int extraStream = PatchBuilder.bzip2(Arrays.copyOfRange(NEW, 10, 20), 9).length;
    byte[] patch = Arrays.copyOf(full, full.length - extraStream + 10);
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(patch, out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
  }

  /** The control stream's bzip2 must not run on into the diff block. */
  @Test
  void apply_controlLengthShorterThanItsStream_isCorrupt() {
    byte[] ctrl = PatchBuilder.bzip2(valid().controlBytes(), 9);
    Capture out = new Capture();

    OtaException e = applyExpectingFailure(valid().ctrlLength(ctrl.length - 4).build(), out);

    assertThat(e.reason()).isEqualTo(ReasonCode.DELTA_CORRUPT);
    assertThat(out.toByteArray()).isEmpty();
  }

  @Test
  void apply_rightFormatWrongContent_isPayloadMismatch() {
    byte[] otherExtra = "XXXXXXXXXX".getBytes(StandardCharsets.US_ASCII);
    Capture out = new Capture();

    OtaException e =
        applyExpectingFailure(
            new PatchBuilder()
                .triple(10, 10, 0)
                .diffBytes(new byte[10])
                .extraBytes(otherExtra)
                .build(),
            out);

    assertThat(e.reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH);
    assertThat(e.getMessage()).contains("sha256");
  }

  /**
   * bzip2 decoders return fewer bytes than asked at block boundaries; a 300 KB extra stream in 100
   * KB bzip2 blocks, read through 4 KiB buffers, must still come out whole.
   */
  @Test
  void apply_streamsSpanningManyBzip2Blocks_survivesShortReads() throws IOException {
    byte[] neu = Images.firmware(3, 300_000);
    byte[] patch =
        new PatchBuilder().triple(0, neu.length, 0).extraBytes(neu).bzip2BlockSize(1).build();
    Path p = write(dir, "big.patch", patch);
    Path old = write(dir, "old.bin", OLD);
    Capture out = new Capture();

    try (SeekableByteChannel ch = DeltaTestSupport.open(old)) {
      DeltaApplier.builder().bufferSize(4096).build().apply(ch, p, out, neu.length, sha256(neu));
    }

    assertThat(out.toByteArray()).isEqualTo(neu);
  }

  @Test
  void applyToFile_failingPatch_leavesNoOutputFile() throws IOException {
    Path p = write(dir, "bad.patch", valid().magic("BSDIFF43").build());
    Path old = write(dir, "old.bin", OLD);
    Path outFile = dir.resolve("out.bin");

    try (SeekableByteChannel ch = DeltaTestSupport.open(old)) {
      catchThrowableOfType(
          OtaException.class, () -> applier.applyToFile(ch, p, outFile, NEW.length, sha256(NEW)));
    }

    assertThat(outFile).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }
}
