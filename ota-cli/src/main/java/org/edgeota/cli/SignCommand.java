package org.edgeota.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.ReleasePackage;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStore;
import org.edgeota.manifest.TrustedKey;
import org.edgeota.manifest.UnverifiableSignature;
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
      "Existing signatures are checked first with the keys at hand (those of --key and, with"
          + " --trust, the trust store's): one that does not verify over the current manifest"
          + " (it was edited after signing) is dropped, with a line on standard error. One that"
          + " cannot be checked (no such key at hand, or an algorithm this version does not"
          + " know) is kept, and standard error says so.",
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

  @Option(
      names = "--trust",
      paramLabel = "FILE",
      description = "Trust store whose keys check the existing signatures (optional).")
  Path trust;

  @Parameters(index = "0", paramLabel = "DIR", description = "The release directory.")
  Path dir;

  @Override
  public Integer call() {
    // The same key given twice signs once (and is reported once).
    Map<String, SigningKey> byId = new LinkedHashMap<>();
    for (Path k : keys) {
      SigningKey key = SigningKey.readPem(k);
      byId.putIfAbsent(key.keyId(), key);
    }
    List<SigningKey> signers = new ArrayList<>(byId.values());
    Map<String, TrustedKey> checkers = new HashMap<>();
    if (trust != null) {
      for (TrustedKey k : TrustStore.read(trust).keys()) {
        checkers.put(k.keyId(), k);
      }
    }
    for (SigningKey k : signers) {
      checkers.put(k.keyId(), k.trustedKey());
    }
    SignedManifest m = ReleasePackage.readManifest(dir);
    ReleasePackage.verifyPayloads(dir, m);

    m = withoutStaleSignatures(m, checkers);
    for (SigningKey k : signers) {
      m = ManifestSigner.sign(m, k);
    }
    requireReadable(m);
    ReleasePackage.writeManifest(dir, m);

    for (SigningKey k : signers) {
      spec.commandLine()
          .getOut()
          .println("signed by " + k.keyId() + " " + k.algorithm().wireName());
    }
    return OtaCli.EXIT_OK;
  }

  /**
   * Refuses to write a manifest that this version could not read back (for example more signatures
   * than a manifest may carry, when signatures of unknown algorithms were kept).
   */
  private static void requireReadable(SignedManifest m) {
    try {
      SignedManifest.parse(m.toJson());
    } catch (OtaException e) {
      throw new OtaException(
          e.reason(),
          e.offendingValue(),
          "signed manifest not written: it would not read back ("
              + e.getMessage()
              + "); remove signatures it need not carry and sign again",
          e);
    }
  }

  /**
   * Drops the signatures that a key at hand shows not to verify over the manifest's current
   * content, and reports each signature it drops or cannot check on standard error.
   */
  private SignedManifest withoutStaleSignatures(
      SignedManifest m, Map<String, TrustedKey> checkers) {
    PrintWriter err = spec.commandLine().getErr();
    byte[] content = m.canonicalSignedBytes();
    SignedManifest kept =
        m.retainingSignatures(
            s -> {
              String who = s.keyId() + " (" + s.algorithm().wireName() + ")";
              TrustedKey key = checkers.get(s.keyId());
              if (key == null) {
                err.println(
                    "ota sign: kept signature by "
                        + who
                        + ": cannot check it, no such key given (--key, --trust)");
                return true;
              }
              if (key.verifies(s, content)) {
                return true;
              }
              String why =
                  key.algorithm() != s.algorithm()
                      ? "its algorithm differs from the key's " + key.algorithm().wireName()
                      : "it does not verify over the current manifest content";
              err.println("ota sign: dropped signature by " + who + ": " + why);
              return false;
            });
    for (UnverifiableSignature u : kept.unverifiableSignatures()) {
      err.println(
          "ota sign: kept signature by "
              + u.keyId()
              + " ("
              + u.algorithm()
              + "): cannot check it, algorithm unknown to this version");
    }
    return kept;
  }
}
