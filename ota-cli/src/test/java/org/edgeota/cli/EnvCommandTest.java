package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgeota.api.ReasonCode;
import org.edgeota.partition.FwEnvConfig;
import org.edgeota.partition.UBootEnv;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvCommandTest {
  @TempDir Path dir;

  private final CliRun cli = new CliRun();
  private Path cfg;
  private Path image;

  @BeforeEach
  void env() throws IOException {
    image = dir.resolve("env.img").toAbsolutePath();
    cfg = dir.resolve("fw_env.config");
    Files.writeString(cfg, image + " 0x0 0x1000 0x1000\n" + image + " 0x1000 0x1000 0x1000\n");
    UBootEnv.create(
        FwEnvConfig.parse(cfg),
        Map.of("boot_partition", "A", "bootcmd", "run a; echo \"x=y\"", "zeta", "1"));
  }

  private static String fwPrintenv(String... args) throws Exception {
    if ("1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
      assertThat(onPath("fw_printenv")).as("fw_printenv (OTA_REQUIRE_INTEROP=1)").isTrue();
    }
    Assumptions.assumeTrue(onPath("fw_printenv"), "fw_printenv missing; skipped");
    ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("fw_printenv")));
    pb.command().addAll(List.of(args));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return stdout;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv("PATH").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void print_allVariables_sameOutputAsFwPrintenv() throws Exception {
    int status = cli.run("env", "print", "-c", cfg.toString());

    assertThat(status).isZero();
    assertThat(cli.out()).isEqualTo(fwPrintenv("-c", cfg.toString()));
    assertThat(cli.out()).startsWith("boot_partition=A\n");
  }

  @Test
  void print_unsortedImageFromMkenvimage_sameOrderAsFwPrintenv() throws Exception {
    Assumptions.assumeTrue(
        onPath("mkenvimage") || "1".equals(System.getenv("OTA_REQUIRE_INTEROP")),
        "mkenvimage missing; skipped");
    Path txt = Files.writeString(dir.resolve("env.txt"), "zz=1\nB=2\na=3\n_x=4\nb=5\n");
    Path single = dir.resolve("single.img").toAbsolutePath();
    Process p =
        new ProcessBuilder("mkenvimage", "-s", "0x1000", "-o", single.toString(), txt.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    Path singleCfg = Files.writeString(dir.resolve("single.config"), single + " 0 0x1000\n");

    int status = cli.run("env", "print", "-c", singleCfg.toString());

    assertThat(status).isZero();
    assertThat(cli.out()).isEqualTo(fwPrintenv("-c", singleCfg.toString()));
    assertThat(cli.out()).isEqualTo("B=2\n_x=4\na=3\nb=5\nzz=1\n");
  }

  @Test
  void print_namedVariables_sameOutputAsFwPrintenv() throws Exception {
    int status = cli.run("env", "print", "-c", cfg.toString(), "zeta", "bootcmd");

    assertThat(status).isZero();
    assertThat(cli.out()).isEqualTo(fwPrintenv("-c", cfg.toString(), "zeta", "bootcmd"));
  }

  @Test
  void print_valueOnly_sameOutputAsFwPrintenvN() throws Exception {
    int status = cli.run("env", "print", "-c", cfg.toString(), "-n", "bootcmd");

    assertThat(status).isZero();
    assertThat(cli.out()).isEqualTo(fwPrintenv("-c", cfg.toString(), "-n", "bootcmd"));
  }

  @Test
  void set_severalAssignmentsAndDelete_fwPrintenvSeesOneConsistentResult() throws Exception {
    int status =
        cli.run(
            "env",
            "set",
            "-c",
            cfg.toString(),
            "boot_partition=B",
            "upgrade_available=1",
            "zeta=",
            "note=a b=c");

    assertThat(status).isZero();
    assertThat(fwPrintenv("-c", cfg.toString()))
        .isEqualTo(
            "boot_partition=B\nbootcmd=run a; echo \"x=y\"\nnote=a b=c\n"
                + "upgrade_available=1\n");
  }

  @Test
  void print_missingName_reportedWithStatus2() {
    int status = cli.run("env", "print", "-c", cfg.toString(), "nope", "zeta");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.out()).isEqualTo("zeta=1\n");
    assertThat(cli.err()).contains("'nope' is not set");
  }

  @Test
  void set_invalidName_refusedNothingWritten() throws IOException {
    byte[] before = Files.readAllBytes(image);

    int status = cli.run("env", "set", "-c", cfg.toString(), "ok=1", "bad\tname=2");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("BOOT_ENV_NAME_INVALID");
    assertThat(Files.readAllBytes(image)).isEqualTo(before);
  }

  @Test
  void set_withoutEquals_invalidInput() {
    int status = cli.run("env", "set", "-c", cfg.toString(), "justaname");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("expected NAME=VALUE");
  }

  @Test
  void print_corruptEnvironment_unreadableStatus2() throws IOException {
    byte[] img = Files.readAllBytes(image);
    img[20] ^= 1;
    img[0x1000 + 20] ^= 1;
    Files.write(image, img);

    int status = cli.run("env", "print", "-c", cfg.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("boot environment unreadable");
    assertThat(cli.out()).isEmpty();
  }

  /**
   * Regression: a boot environment that could not be written (or did not read back after the write)
   * made {@code ota env set} exit with 2, "invalid input", although the input was fine and the
   * device or file failed; that is an I/O failure (4).
   */
  @Test
  void exitCode_bootEnvWriteFailed_isIoNotInvalidInput() {
    int status = ErrorHandler.exitCodeOf(ReasonCode.BOOT_ENV_WRITE_FAILED);

    assertThat(status).isEqualTo(OtaCli.EXIT_IO);
  }
}
