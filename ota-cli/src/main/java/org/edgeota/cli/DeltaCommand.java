package org.edgeota.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.ApplyResult;
import org.edgeota.delta.DeltaApplier;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.delta.DeltaResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code ota delta} commands: create and apply BSDIFF40 patches. */
@Command(
    name = "delta",
    mixinStandardHelpOptions = true,
    description = "Create and apply bsdiff (BSDIFF40) deltas, compatible with bsdiff/bspatch.",
    subcommands = {DeltaCommand.Create.class, DeltaCommand.Apply.class})
final class DeltaCommand {

  /** {@code ota delta create OLD NEW PATCH [--max-ratio R]}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Write the patch from OLD to NEW into PATCH.",
        "When the patch is larger than --max-ratio times NEW, no file is written, the reason is"
            + " printed and the exit status is 0.",
        "PATCH must not be OLD or NEW (nor a link to them); an existing other PATCH is replaced.",
        "Exit status: 0 ok, 2 invalid input (an input over 256 MiB, PATCH naming an input), 4"
            + " I/O failure."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The old image.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW", description = "The new image.")
    Path newFile;

    @Parameters(index = "2", paramLabel = "PATCH", description = "The patch file to write.")
    Path patch;

    @Option(
        names = "--max-ratio",
        paramLabel = "R",
        description = "Maximum patch size as a fraction of NEW's size (default: ${DEFAULT-VALUE}).")
    double maxRatio = DeltaGenerator.DEFAULT_MAX_RATIO;

    @Override
    public Integer call() {
      DeltaResult r =
          DeltaGenerator.builder().maxRatio(maxRatio).build().diff(oldFile, newFile, patch);
      spec.commandLine()
          .getOut()
          .println((r.created() ? patch + ": " : "no patch written: ") + r.reason());
      return OtaCli.EXIT_OK;
    }
  }

  /** {@code ota delta apply OLD PATCH OUT --expect-size N --expect-sha256 H}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Apply PATCH to OLD and write OUT.",
        "OUT appears only if the result has the expected size and SHA-256.",
        "Exit status: 0 ok, 2 corrupt or unsupported patch (including one whose header declares"
            + " a size other than --expect-size), 3 the result or the base does not match, 4 a"
            + " file cannot be read or written."
      })
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The installed (old) image.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "PATCH", description = "The BSDIFF40 patch.")
    Path patch;

    @Parameters(index = "2", paramLabel = "OUT", description = "The new image to write.")
    Path out;

    @Option(
        names = "--expect-size",
        required = true,
        paramLabel = "N",
        description = "Size of the new image in bytes.")
    long expectSize;

    @Option(
        names = "--expect-sha256",
        required = true,
        paramLabel = "H",
        description = "SHA-256 of the new image (hex).")
    String expectSha256;

    @Option(
        names = "--expect-base-sha256",
        paramLabel = "H",
        description = "If given, OLD must have this SHA-256 before the patch is applied.")
    String expectBaseSha256;

    @Override
    public Integer call() throws IOException {
      String sha = expectSha256.toLowerCase(Locale.ROOT);
      try (FileChannel old = FileChannel.open(oldFile, StandardOpenOption.READ)) {
        if (expectBaseSha256 != null) {
          checkBase(old, expectBaseSha256.toLowerCase(Locale.ROOT));
        }
        ApplyResult r = DeltaApplier.withDefaults().applyToFile(old, patch, out, expectSize, sha);
        spec.commandLine().getOut().println(out + ": " + r.size() + " bytes, sha256 " + r.sha256());
      }
      return OtaCli.EXIT_OK;
    }

    private void checkBase(FileChannel old, String expected) throws IOException {
      MessageDigest md;
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = 0;
      int n;
      while ((n = old.read(buf, pos)) > 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
        pos += n;
      }
      String actual = HexFormat.of().formatHex(md.digest());
      if (!actual.equals(expected)) {
        throw new OtaException(
            ReasonCode.DELTA_BASE_MISMATCH,
            actual,
            "OLD sha256: expected " + expected + ", found " + actual);
      }
    }
  }
}
