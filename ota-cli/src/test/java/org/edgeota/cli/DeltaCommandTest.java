package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
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

  private int run(String... args) {
    CommandLine cl = OtaCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void createThenApply_smallEdit_reproducesNewImage() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    Path result = dir.resolve("out.img");

    int created = run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());
    int applied =
        run(
            "delta",
            "apply",
            oldFile.toString(),
            patch.toString(),
            result.toString(),
            "--expect-size",
            Integer.toString(neu.length),
            "--expect-sha256",
            sha256(neu));

    assertThat(created).as(err.toString()).isEqualTo(OtaCli.EXIT_OK);
    assertThat(applied).as(err.toString()).isEqualTo(OtaCli.EXIT_OK);
    assertThat(Files.readAllBytes(result)).isEqualTo(neu);
    assertThat(out.toString()).contains("created: patch of").contains("sha256 " + sha256(neu));
  }

  @Test
  void create_patchAboveMaxRatio_writesNothingAndSaysSo() {
    Path patch = dir.resolve("p.bsdiff");

    int status =
        run(
            "delta",
            "create",
            oldFile.toString(),
            newFile.toString(),
            patch.toString(),
            "--max-ratio",
            "0.0001");

    assertThat(status).isEqualTo(OtaCli.EXIT_OK);
    assertThat(patch).doesNotExist();
    assertThat(out.toString()).contains("no patch written: skipped");
  }

  @Test
  void apply_wrongExpectedDigest_exitsVerificationFailedAndWritesNoOutput() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    Path result = dir.resolve("out.img");
    run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());

    int status =
        run(
            "delta",
            "apply",
            oldFile.toString(),
            patch.toString(),
            result.toString(),
            "--expect-size",
            Integer.toString(neu.length),
            "--expect-sha256",
            "0".repeat(64));

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("PAYLOAD_MISMATCH");
    assertThat(result).doesNotExist();
  }

  @Test
  void apply_corruptPatch_exitsInvalidInput() throws Exception {
    Path patch = Files.write(dir.resolve("bad.bsdiff"), "BSDIFF40 but nothing else".getBytes());

    int status =
        run(
            "delta",
            "apply",
            oldFile.toString(),
            patch.toString(),
            dir.resolve("o").toString(),
            "--expect-size",
            Integer.toString(neu.length),
            "--expect-sha256",
            sha256(neu));

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains("DELTA_CORRUPT");
  }

  @Test
  void apply_baseWithOtherDigest_exitsVerificationFailed() throws Exception {
    Path patch = dir.resolve("p.bsdiff");
    run("delta", "create", oldFile.toString(), newFile.toString(), patch.toString());

    int status =
        run(
            "delta",
            "apply",
            oldFile.toString(),
            patch.toString(),
            dir.resolve("o").toString(),
            "--expect-size",
            Integer.toString(neu.length),
            "--expect-sha256",
            sha256(neu),
            "--expect-base-sha256",
            "ab".repeat(32));

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(err.toString()).contains("DELTA_BASE_MISMATCH");
  }

  @Test
  void apply_missingExpectSha_exitsWithUsageError() {
    int status = run("delta", "apply", "a", "b", "c", "--expect-size", "1");

    assertThat(status).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--expect-sha256");
  }

  /**
   * Regression: a missing OLD image made {@code ota delta apply} print only "ota: missing.img" (the
   * bare message of the JDK's NoSuchFileException), which said neither what failed nor why.
   */
  @Test
  void apply_missingOldImage_exitsFourNamingFileAndProblem() throws Exception {
    Path missing = dir.resolve("missing.img");

    int status =
        run(
            "delta",
            "apply",
            missing.toString(),
            dir.resolve("p.bsdiff").toString(),
            dir.resolve("out.img").toString(),
            "--expect-size",
            Integer.toString(neu.length),
            "--expect-sha256",
            sha256(neu));

    assertThat(status).isEqualTo(OtaCli.EXIT_IO);
    assertThat(err.toString())
        .contains("IO_ERROR")
        .contains("'" + missing + "'")
        .contains("no such file or directory");
    assertThat(dir.resolve("out.img")).doesNotExist();
  }
}
