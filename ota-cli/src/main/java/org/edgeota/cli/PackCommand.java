package org.edgeota.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.delta.DeltaApplier;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ota pack}: builds a release directory with an unsigned manifest. */
@Command(
    name = "pack",
    description = {
      "Copy payloads into a release directory, compute each file's size and SHA-256, and write"
          + " an unsigned manifest.json. Sign it afterwards with 'ota sign'.",
      "",
      "--component NAME=TYPE:FILE[:ORDER[:reboot|noreboot]]",
      "  TYPE is firmware, application, config or a vendor type. ORDER (install order) defaults"
          + " to the component's position (1, 2, ...). A reboot is required by default for"
          + " firmware only.",
      "--delta NAME=FROMVERSION:BASE:PATCHFILE",
      "  Adds a bsdiff patch (e.g. from 'ota delta create') to component NAME. It turns the"
          + " image of release FROMVERSION into this release's payload. BASE is either the"
          + " 64-digit hex SHA-256 of that old image or the old image file itself"
          + " (then hashed, and the patch is applied to it to check that it gives the payload)."
          + " A device uses the patch only if its installed image hashes to BASE.",
      "",
      "Exit status: 0 ok, 2 invalid input, 4 I/O failure."
    })
final class PackCommand implements Callable<Integer> {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);

  @Spec CommandSpec spec;

  // No standard help mixin: its --version would clash with the release --version option, so
  // help and the tool's version (-V only) are declared here.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(names = "-V", versionHelp = true, description = "Print version information and exit.")
  boolean versionHelp;

  @Option(names = "--version", required = true, paramLabel = "V", description = "Release version.")
  String version;

  @Option(
      names = "--sequence",
      required = true,
      paramLabel = "N",
      description = "Release sequence: at least 1, higher than every earlier release's.")
  long sequence;

  @Option(
      names = "--device-type",
      required = true,
      paramLabel = "T",
      description = "Target device type; repeatable.")
  List<String> deviceTypes = new ArrayList<>();

  @Option(
      names = "--component",
      required = true,
      paramLabel = "SPEC",
      description = "NAME=TYPE:FILE[:ORDER[:reboot|noreboot]]; repeatable.")
  List<String> components = new ArrayList<>();

  @Option(
      names = "--delta",
      paramLabel = "SPEC",
      description = "NAME=FROMVERSION:BASE:PATCHFILE; repeatable.")
  List<String> deltas = new ArrayList<>();

  @Option(
      names = "--min-agent-version",
      paramLabel = "V",
      description = "Oldest agent allowed to install (default: ${DEFAULT-VALUE}).")
  String minAgentVersion = "0.0.0";

  @Option(
      names = "--rollback-version",
      paramLabel = "V",
      description = "Version devices return to on a fleet rollback.")
  String rollbackVersion;

  @Option(
      names = "--downgrade",
      description = "Authorise installing over a higher version (fleet rollback).")
  boolean downgrade;

  @Option(
      names = "--release-date",
      paramLabel = "INSTANT",
      description = "Release date (default: now).")
  String releaseDate;

  @Option(
      names = "--expires",
      paramLabel = "INSTANT",
      description = "Expiry as a UTC instant, e.g. 2027-01-01T00:00:00Z.")
  String expires;

  @Option(
      names = "--expires-in",
      paramLabel = "DURATION",
      description = "Expiry as a duration from now, e.g. 90d or P90D (default: 90d).")
  String expiresIn;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Release directory.")
  Path out;

  /** Payload file of each component named so far, for checking patches against it. */
  private final Map<String, Path> payloads = new HashMap<>();

  /** A patch whose old image was given as a file: checked to produce the payload before packing. */
  private record PatchCheck(String component, Path base, Path patch) {}

  private final List<PatchCheck> patchChecks = new ArrayList<>();

  @Override
  public Integer call() {
    Clock clock = Clock.systemUTC();
    ReleasePackage.Builder b =
        ReleasePackage.builder(clock)
            .version(Version.parse(version))
            .sequence(sequence)
            .downgrade(downgrade)
            .minAgentVersion(Version.parse(minAgentVersion))
            .expires(
                CliSupport.expiry(
                    expires, expiresIn, clock.instant().plus(DEFAULT_LIFETIME), clock));
    if (rollbackVersion != null) {
      b.rollbackVersion(Version.parse(rollbackVersion));
    }
    if (releaseDate != null) {
      b.releaseDate(CliSupport.instant("--release-date", releaseDate));
    }
    deviceTypes.forEach(b::deviceType);
    for (int i = 0; i < components.size(); i++) {
      addComponent(b, components.get(i), i + 1);
    }
    for (String d : deltas) {
      addDelta(b, d);
    }
    for (PatchCheck c : patchChecks) {
      checkPatch(c);
    }

    SignedManifest m = b.pack(out);

    spec.commandLine()
        .getOut()
        .printf(
            "packed %s: version %s, sequence %d, %d component(s); unsigned, run 'ota sign'%n",
            out, m.release().version(), m.release().sequence(), m.release().components().size());
    return OtaCli.EXIT_OK;
  }

  private void addComponent(ReleasePackage.Builder b, String spec, int position) {
    int eq = spec.indexOf('=');
    String[] parts = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":", -1);
    if (eq <= 0 || parts.length < 2 || parts.length > 4 || parts[1].isEmpty()) {
      throw bad("--component", spec, "NAME=TYPE:FILE[:ORDER[:reboot|noreboot]]");
    }
    String name = spec.substring(0, eq);
    String type = parts[0];
    int order = position;
    if (parts.length >= 3) {
      try {
        order = Integer.parseInt(parts[2]);
      } catch (NumberFormatException e) {
        throw bad("--component", spec, "an integer ORDER after FILE");
      }
    }
    boolean reboot = Component.TYPE_FIRMWARE.equals(type);
    if (parts.length == 4) {
      String flag = parts[3].toLowerCase(Locale.ROOT);
      if (flag.equals("reboot") || flag.equals("true")) {
        reboot = true;
      } else if (flag.equals("noreboot") || flag.equals("false")) {
        reboot = false;
      } else {
        throw bad("--component", spec, "'reboot' or 'noreboot' as the last part");
      }
    }
    b.component(name, type, Path.of(parts[1]), order, reboot);
    payloads.put(name, Path.of(parts[1]));
  }

  private void addDelta(ReleasePackage.Builder b, String spec) {
    int eq = spec.indexOf('=');
    String[] parts = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":", -1);
    if (eq <= 0 || parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw bad("--delta", spec, "NAME=FROMVERSION:BASE:PATCHFILE");
    }
    String base = parts[1];
    // A digest in upper case is still a digest (as 'ota delta apply' takes it), not a file name.
    String lower = base.toLowerCase(Locale.ROOT);
    String fromSha = SHA256.matcher(lower).matches() ? lower : ReleasePackage.sha256(Path.of(base));
    b.delta(spec.substring(0, eq), Version.parse(parts[0]), fromSha, Path.of(parts[2]));
    if (!fromSha.equals(lower)) {
      patchChecks.add(new PatchCheck(spec.substring(0, eq), Path.of(base), Path.of(parts[2])));
    }
  }

  /**
   * Applies a patch to the old image given as a file and checks that it yields the component's
   * payload: a patch made between other images would otherwise be signed and shipped, and every
   * device would download it only to fall back to the full payload.
   */
  private void checkPatch(PatchCheck c) {
    Path payload = payloads.get(c.component());
    long size;
    try {
      size = Files.size(payload);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          payload.toString(),
          "payload: cannot read '" + payload + "': " + e,
          e);
    }
    String sha = ReleasePackage.sha256(payload);
    try (FileChannel old = FileChannel.open(c.base(), StandardOpenOption.READ)) {
      DeltaApplier.withDefaults()
          .apply(old, c.patch(), data -> data.position(data.limit()), size, sha);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          c.base().toString(),
          "delta base: cannot read '" + c.base() + "': " + e,
          e);
    } catch (OtaException e) {
      if (e.reason() == ReasonCode.IO_ERROR) {
        throw e;
      }
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          c.patch().toString(),
          "--delta "
              + c.component()
              + ": expected patch '"
              + c.patch()
              + "' applied to '"
              + c.base()
              + "' to give the payload '"
              + payload
              + "', found "
              + e.getMessage(),
          e);
    }
  }

  private static OtaException bad(String option, String spec, String expected) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        spec,
        option + ": expected " + expected + ", found '" + spec + "'");
  }
}
