package org.edgeota.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ota sign}: adds signatures to a release's manifest. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign DIR/manifest.json with one or more private keys (RFC 8785 canonical form of the"
          + " manifest without 'signatures'). A key that signed before is replaced.",
      "The payloads are checked against the manifest first: nothing is signed if a file's size"
          + " or SHA-256 differs.",
      "Exit status: 0 ok, 2 invalid input, 3 payload mismatch, 4 I/O failure."
    })
final class SignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "Private key (PKCS#8 PEM); repeatable.")
  List<Path> keys = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "DIR", description = "The release directory.")
  Path dir;

  @Override
  public Integer call() {
    List<SigningKey> signers = new ArrayList<>();
    for (Path k : keys) {
      signers.add(SigningKey.readPem(k));
    }
    SignedManifest m = ReleasePackage.readManifest(dir);
    ReleasePackage.verifyPayloads(dir, m);

    for (SigningKey k : signers) {
      m = ManifestSigner.sign(m, k);
    }
    ReleasePackage.writeManifest(dir, m);

    for (SigningKey k : signers) {
      spec.commandLine()
          .getOut()
          .println("signed by " + k.keyId() + " " + k.algorithm().wireName());
    }
    return OtaCli.EXIT_OK;
  }
}
