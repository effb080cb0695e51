package org.edgeota.cli;

import org.edgeota.download.ResumableDownloader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ota} command: keys, trust stores, packing, signing, verifying, deltas, boot
 * environment and downloads.
 *
 * <p>Exit status: {@value #EXIT_OK} on success, {@value #EXIT_INVALID_INPUT} for invalid input (bad
 * arguments, malformed files), {@value #EXIT_VERIFICATION_FAILED} when a verification failed
 * (signature, policy, digest or size), {@value #EXIT_IO} for an I/O or transport failure (including
 * an input file that is missing or cannot be read, and an output that cannot be written).
 */
@Command(
    name = "ota",
    mixinStandardHelpOptions = true,
    versionProvider = OtaCli.VersionProvider.class,
    description = "Edge OTA SDK command-line tool.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DeltaCommand.class,
      EnvCommand.class,
      KeygenCommand.class,
      TrustCommand.class,
      PackCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      InspectCommand.class,
      FetchCommand.class
    })
public final class OtaCli {
  /** Exit status of a successful command. */
  public static final int EXIT_OK = 0;

  /** Exit status for invalid input: arguments or malformed files. */
  public static final int EXIT_INVALID_INPUT = 2;

  /** Exit status when a verification (signature, policy, digest or size) failed. */
  public static final int EXIT_VERIFICATION_FAILED = 3;

  /** Exit status for an I/O or transport failure, including a missing or unreadable input file. */
  public static final int EXIT_IO = 4;

  private OtaCli() {}

  /**
   * Builds the command line with every subcommand registered.
   *
   * @return a configured command line
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new OtaCli());
    // Subcommands do not inherit the version provider; without it their -V printed nothing.
    giveVersion(cl, new VersionProvider());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return cl;
  }

  private static void giveVersion(CommandLine cl, VersionProvider provider) {
    cl.getCommandSpec().versionProvider(provider);
    for (CommandLine sub : cl.getSubcommands().values()) {
      giveVersion(sub, provider);
    }
  }

  /**
   * Runs the tool.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    ResumableDownloader.useLargeClientBuffers();
    System.exit(commandLine().execute(args));
  }

  /** Reports the SDK version from the jar manifest. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OtaCli.class.getPackage().getImplementationVersion();
      return new String[] {"ota " + (v == null ? "development build" : v)};
    }
  }
}
