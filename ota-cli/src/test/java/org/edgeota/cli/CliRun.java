package org.edgeota.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.edgeota.manifest.PublicKeys;
import picocli.CommandLine;

/**
 * Runs {@link OtaCli#commandLine()} in-process, keeps what the last run printed, and names the key
 * files that {@code ota keygen} writes into one directory.
 */
final class CliRun {
  private final Path keys;
  private final boolean keepOutput;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  /** A runner for commands that need no keys; each run starts with empty output. */
  CliRun() {
    this(Path.of("keys"), false);
  }

  /** A runner whose {@code keygen} writes into {@code keys}; each run starts with empty output. */
  CliRun(Path keys) {
    this(keys, false);
  }

  private CliRun(Path keys, boolean keepOutput) {
    this.keys = keys;
    this.keepOutput = keepOutput;
  }

  /** A runner that needs no keys and whose output accumulates over all its runs. */
  static CliRun keepingOutput() {
    return new CliRun(Path.of("keys"), true);
  }

  /**
   * Runs {@code ota args...} and returns its exit status; {@link #out()}/{@link #err()} hold its
   * output.
   */
  int run(String... args) {
    if (!keepOutput) {
      out = new StringWriter();
      err = new StringWriter();
    }
    CommandLine cl = OtaCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** Standard output of the last run. */
  String out() {
    return out.toString();
  }

  /** Standard error of the last run. */
  String err() {
    return err.toString();
  }

  /** Runs {@code ota keygen --algorithm algorithm --out <keys> --name name}. */
  int keygen(String algorithm, String name) {
    return run("keygen", "--algorithm", algorithm, "--out", keys.toString(), "--name", name);
  }

  /** The private key file {@code keygen} writes for {@code name}. */
  String key(String name) {
    return keys.resolve(name + ".pem").toString();
  }

  /** The public key file {@code keygen} writes for {@code name}. */
  String pub(String name) {
    return keys.resolve(name + ".pub.pem").toString();
  }

  /** The key id of the public key {@code keygen} wrote for {@code name}. */
  String keyId(String name) {
    return PublicKeys.keyId(PublicKeys.readPem(Path.of(pub(name))));
  }

  /** {@code head} followed by {@code tail}, as one argument list. */
  static String[] concat(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /**
   * Runs {@code ota trust init} trusting the public keys of {@code a} and {@code b} with threshold
   * 2, signed by both, written to {@code out}.
   */
  int initTrustOfTwo(String a, String b, Path out) {
    return run(
        "trust",
        "init",
        "--key",
        pub(a),
        "--key",
        pub(b),
        "--threshold",
        "2",
        "--sign-key",
        key(a),
        "--sign-key",
        key(b),
        "--out",
        out.toString());
  }
}
