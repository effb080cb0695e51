package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeltaCommandTest {
  @TempDir Path dir;

  private final CliRun cli = CliRun.keepingOutput();
  private Path oldFile;
  private Path newFile;
  private byte[] neu;

  @BeforeEach
  void setUp() throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    byte[] old = new byte[50_000];
    for (int i = 0; i < old.length; i++) {
      old[i] = (byte) (i % 97 == 0 ? r.nextInt(256) : i / 1000);
    }
    neu = old.clone();
    neu[100] = 42;
    neu[40_000] = 7;
    oldFile = Files.write(dir.resolve("old.img"), old);
    newFile = Files.write(dir.resolve("new.img"), neu);
  }

  /** Runs {@code ota delta apply} expecting the new image's size and the given SHA-256. */
  private int apply(String old, String patch, String out, String sha256, String... options) {
    String[] args = {
      "delta",
      "apply",
      old,
      patch,
      out,
      "--expect-size",
      Integer.toString(neu.length),
      "--expect-sha256",
      sha256
    };
    return cli.run(CliRun.concat(args, options));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void createThenApply_smallEdit_reproducesNewImage() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    Path result = dir.resolve("out.img");

    int created =
        cli.run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());
    int applied = apply(oldFile.toString(), patch.toString(), result.toString(), sha256(neu));

    assertThat(created).as(cli.err()).isEqualTo(OtaCli.EXIT_OK);
    assertThat(applied).as(cli.err()).isEqualTo(OtaCli.EXIT_OK);
    assertThat(Files.readAllBytes(result)).isEqualTo(neu);
    assertThat(cli.out()).contains("created: patch of").contains("sha256 " + sha256(neu));
  }

  @Test
  void create_patchAboveMaxRatio_writesNothingAndSaysSo() {
    Path patch = dir.resolve("p.bsdiff");

    int status =
        cli.run(
            "delta",
            "create",
            oldFile.toString(),
            newFile.toString(),
            patch.toString(),
            "--max-ratio",
            "0.0001");

    assertThat(status).isEqualTo(OtaCli.EXIT_OK);
    assertThat(patch).doesNotExist();
    assertThat(cli.out()).contains("no patch written: skipped");
  }

  @Test
  void apply_wrongExpectedDigest_exitsVerificationFailedAndWritesNoOutput() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    Path result = dir.resolve("out.img");
    cli.run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());

    int status = apply(oldFile.toString(), patch.toString(), result.toString(), "0".repeat(64));

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("PAYLOAD_MISMATCH");
    assertThat(result).doesNotExist();
  }

  @Test
  void apply_corruptPatch_exitsInvalidInput() throws Exception {
    Path patch = Files.write(dir.resolve("bad.bsdiff"), "BSDIFF40 but nothing else".getBytes());

    int status =
        apply(oldFile.toString(), patch.toString(), dir.resolve("o").toString(), sha256(neu));

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("DELTA_CORRUPT");
  }

  @Test
  void apply_baseWithOtherDigest_exitsVerificationFailed() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    cli.run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());

    int status =
        apply(
            oldFile.toString(),
            patch.toString(),
            dir.resolve("o").toString(),
            sha256(neu),
            "--expect-base-sha256",
            "ab".repeat(32));

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("DELTA_BASE_MISMATCH");
  }

  @Test
  void apply_missingExpectSha_exitsWithUsageError() {
    int status = cli.run("delta", "apply", "a", "b", "c", "--expect-size", "1");

    assertThat(status).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(cli.err()).contains("--expect-sha256");
  }

  /**
   * Regression: a missing OLD image made {@code ota delta apply} print only "ota: missing.img" (the
   * bare message of the JDK's NoSuchFileException), which said neither what failed nor why.
   */
  @Test
  void apply_missingOldImage_exitsFourNamingFileAndProblem() throws Exception {
    Path missing = dir.resolve("missing.img");

    int status =
        apply(
            missing.toString(),
            dir.resolve("p.bsdiff").toString(),
            dir.resolve("out.img").toString(),
            sha256(neu));

    assertThat(status).isEqualTo(OtaCli.EXIT_IO);
    assertThat(cli.err())
        .contains("IO_ERROR")
        .contains("'" + missing + "'")
        .contains("no such file or directory");
    assertThat(dir.resolve("out.img")).doesNotExist();
  }
}
