package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FwEnvConfigTest {

  @Test
  void parse_twoLinesWithHexAndComments_redundantConfig() {
    String text =
        "# device offset size sector\n"
            + "/dev/mmcblk0 0x100000 0x20000 0x20000   # first\n"
            + "\n"
            + "/dev/mmcblk0\t1179648 131072\n";

    FwEnvConfig config = FwEnvConfig.parse(text, Path.of("/"));

    assertThat(config.redundant()).isTrue();
    assertThat(config.copies().get(0).offset()).isEqualTo(0x100000L);
    assertThat(config.copies().get(1).offset()).isEqualTo(0x120000L);
    assertThat(config.envSize()).isEqualTo(0x20000L);
    assertThat(config.copies().get(1).sectorSize()).isEqualTo(0x20000L);
  }

  @Test
  void parse_relativeDevice_resolvedAgainstBaseDirectory() {
    FwEnvConfig config = FwEnvConfig.parse("env.img 0 0x1000\n", Path.of("/images"));

    assertThat(config.copies().get(0).device()).isEqualTo(Path.of("/images/env.img"));
    assertThat(config.redundant()).isFalse();
  }

  @Test
  void parse_missingSize_rejectedWithLine() {
    assertThatThrownBy(() -> FwEnvConfig.parse("/dev/mtd0 0x0\n", Path.of("/")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("line 1")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }

  @Test
  void parse_notANumber_rejectedNamingTheField() {
    assertThatThrownBy(() -> FwEnvConfig.parse("/dev/mtd0 0xZZ 0x1000\n", Path.of("/")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("offset")
        .hasMessageContaining("0xZZ");
  }

  @Test
  void parse_negativeOffset_rejected() {
    assertThatThrownBy(() -> FwEnvConfig.parse("/dev/mtd0 -0x4000 0x1000\n", Path.of("/")))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }

  @Test
  void parse_threeCopies_rejected() {
    String text = "a 0 0x1000\na 0x1000 0x1000\na 0x2000 0x1000\n";

    assertThatThrownBy(() -> FwEnvConfig.parse(text, Path.of("/")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("found 3");
  }

  @Test
  void parse_copiesOfDifferentSize_rejected() {
    String text = "a 0 0x1000\na 0x1000 0x2000\n";

    assertThatThrownBy(() -> FwEnvConfig.parse(text, Path.of("/")))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }

  @Test
  void parse_emptyFile_rejected() {
    assertThatThrownBy(() -> FwEnvConfig.parse("# nothing\n", Path.of("/")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("found 0");
  }

  @Test
  void parse_overlappingCopiesOnSameDevice_rejected() {
    String text = "/dev/mmcblk0 0x0 0x2000\n/dev/mmcblk0 0x1000 0x2000\n";

    assertThatThrownBy(() -> FwEnvConfig.parse(text, Path.of("/")))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("not to overlap")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }

  /**
   * Regression: a relative and an absolute name of one file at the same offset passed the overlap
   * check, which compared the names as written; "both copies" were then the same bytes.
   */
  @Test
  void parse_sameFileAsRelativeAndAbsolutePath_rejectedAsOverlap() {
    Path cwd = Path.of("").toAbsolutePath();
    String text = cwd.resolve("env.img") + " 0x0 0x2000\n";
    FwEnvConfig.Location relative = new FwEnvConfig.Location(Path.of("env.img"), 0, 0x2000, 0);
    FwEnvConfig.Location absolute = FwEnvConfig.parse(text, Path.of("/")).copies().get(0);

    assertThatThrownBy(() -> new FwEnvConfig(List.of(absolute, relative)))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("not to overlap")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }

  /**
   * Regression: the configuration file was read whole without a limit, so {@code ota env print -c
   * /dev/zero} (a device named by mistake) read until memory ran out instead of failing.
   */
  @Test
  void parse_endlessFile_throwsConfigInvalidWithoutReadingItAll() {
    Path zero = Path.of("/dev/zero");
    Assumptions.assumeTrue(Files.isReadable(zero), "no readable /dev/zero on this system");

    assertThatThrownBy(() -> FwEnvConfig.parse(zero))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("/dev/zero")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID);
  }
}
