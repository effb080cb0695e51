package org.edgeota.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.Release;
import org.edgeota.manifest.ManifestSignature;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.UnverifiableSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ota inspect}: shows a release's manifest without trusting it. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show the manifest of a release directory (or a manifest file). The manifest is parsed"
          + " strictly but its signatures are NOT verified: use 'ota verify' for that.",
      "Exit status: 0 ok, 2 malformed manifest, 3 malformed signature entry, 4 I/O failure."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the manifest as JSON instead of a summary.")
  boolean json;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "The release directory or its manifest.json.")
  Path path;

  @Override
  public Integer call() {
    Path file = Files.isDirectory(path) ? path.resolve(ReleasePackage.MANIFEST_FILE) : path;
    SignedManifest m = SignedManifest.read(file);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(new String(m.toJson(), StandardCharsets.UTF_8));
      out.flush();
      return OtaCli.EXIT_OK;
    }

    Release r = m.release();
    out.println("manifest:          " + file + " (signatures NOT verified)");
    out.println("version:           " + r.version() + (r.downgrade() ? " (downgrade)" : ""));
    out.println("sequence:          " + r.sequence());
    out.println("releaseDate:       " + r.releaseDate());
    out.println("expires:           " + r.expires());
    out.println("minAgentVersion:   " + r.minAgentVersion());
    out.println("targetDeviceTypes: " + String.join(", ", r.targetDeviceTypes()));
    if (r.rollbackVersion() != null) {
      out.println("rollbackVersion:   " + r.rollbackVersion());
    }
    out.println("components:");
    for (Component c : r.components()) {
      out.printf(
          "  %s (%s) %s %d bytes sha256 %s order %d%s%n",
          c.name(),
          c.type(),
          c.file(),
          c.size(),
          c.sha256(),
          c.installOrder(),
          c.rebootRequired() ? " reboot" : "");
      for (DeltaArtifact d : c.deltas()) {
        out.printf(
            "    delta from %s (base sha256 %s) %s %d bytes sha256 %s %s%n",
            d.fromVersion(), d.fromSha256(), d.file(), d.size(), d.sha256(), d.algorithm());
      }
    }
    boolean unsigned = m.signatures().isEmpty() && m.unverifiableSignatures().isEmpty();
    out.println("signatures:" + (unsigned ? " none" : ""));
    for (ManifestSignature s : m.signatures()) {
      out.println("  " + s.keyId() + " " + s.algorithm().wireName());
    }
    for (UnverifiableSignature s : m.unverifiableSignatures()) {
      out.println("  " + s.keyId() + " " + s.algorithm() + " (unknown algorithm, never counted)");
    }
    out.flush();
    return OtaCli.EXIT_OK;
  }
}
