package org.edgeota.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.SignatureAlgorithm;
import org.edgeota.manifest.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ota keygen}: creates a signing key pair as PEM files. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Create a signing key pair: DIR/NAME.pem (PKCS#8 private key, owner-only) and"
          + " DIR/NAME.pub.pem (SubjectPublicKeyInfo public key).",
      "Prints the key id: the lower-case hex SHA-256 of the public key's DER encoding.",
      "Existing files are never overwritten.",
      "Exit status: 0 ok, 2 invalid input, 4 I/O failure."
    })
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--algorithm",
      required = true,
      paramLabel = "ALG",
      description = "ed25519 or p256 (ECDSA P-256 with SHA-256).")
  String algorithm;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Base name of the key files, not ending in '.pub' (default: ${DEFAULT-VALUE}).")
  String name = "signing";

  @Override
  public Integer call() throws IOException {
    SignatureAlgorithm alg = SignatureAlgorithm.fromUserName(algorithm);
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          name,
          "--name: expected letters, digits, '.', '_' or '-', found '" + name + "'");
    }
    if (name.toLowerCase(Locale.ROOT).endsWith(".pub")) {
      // NAME.pem holds the private key: named X.pub.pem it would pass for a public key file.
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          name,
          "--name: expected a name not ending in '.pub' (the private key would be written to '"
              + name
              + ".pem', which reads as a public key file), found '"
              + name
              + "'");
    }
    Files.createDirectories(out);
    Path priv = out.resolve(name + ".pem");
    Path pub = out.resolve(name + ".pub.pem");
    SigningKey key = SigningKey.generate(alg);

    key.writePem(priv, pub);

    spec.commandLine().getOut().println("private key: " + priv);
    spec.commandLine().getOut().println("public key:  " + pub);
    spec.commandLine().getOut().println("algorithm:   " + alg.wireName());
    spec.commandLine().getOut().println("key id:      " + key.keyId());
    return OtaCli.EXIT_OK;
  }
}
