package org.edgeota.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.PublicKeys;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStore;
import org.edgeota.manifest.TrustStoreDocument;
import org.edgeota.manifest.TrustedKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code ota trust} commands: create a trust store and rotate it. */
@Command(
    name = "trust",
    mixinStandardHelpOptions = true,
    description = {
      "Create and rotate trust stores: the signed list of keys, threshold, version and expiry"
          + " that devices and controllers verify manifests with.",
      "A new version is accepted by devices only when signed by a threshold of the current keys"
          + " and a threshold of its own keys; 'add' and 'rotate' check this before writing."
    },
    subcommands = {TrustCommand.Init.class, TrustCommand.Add.class, TrustCommand.Rotate.class})
final class TrustCommand {
  private static final Duration DEFAULT_LIFETIME = Duration.ofDays(365);

  private TrustCommand() {}

  /** Options every trust command shares. */
  abstract static class Common {
    @Spec CommandSpec spec;

    @Option(
        names = "--threshold",
        paramLabel = "N",
        description =
            "Distinct keys that must sign a manifest or the next trust store (init default: 1;"
                + " add and rotate keep the current one).")
    Integer threshold;

    @Option(
        names = "--expires",
        paramLabel = "INSTANT",
        description = "Expiry as a UTC instant, e.g. 2027-12-31T00:00:00Z.")
    String expires;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description =
            "Expiry as a duration from now, e.g. 365d or P365D (init default: 365d; add and"
                + " rotate keep the current expiry).")
    String expiresIn;

    @Option(
        names = "--sign-key",
        required = true,
        paramLabel = "KEY",
        description = "Private key (PKCS#8 PEM) to sign the trust store with; repeatable.")
    List<Path> signKeys = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file.")
    Path out;

    @Option(
        names = "--force",
        description =
            "Replace the output file if it exists (add and rotate: not needed when --out names"
                + " the --trust file, which the checked next version then replaces).")
    boolean force;

    /** Signs, checks with {@code check}, writes and reports the new trust store. */
    int finish(TrustStoreDocument doc, Clock clock, TrustStore current) {
      for (Path k : signKeys) {
        doc = doc.sign(SigningKey.readPem(k));
      }
      byte[] json = doc.toJson();
      TrustStore checked = current == null ? TrustStore.parse(json) : current.rotate(json, clock);
      CliSupport.refuseOverwrite(out, force || (current != null && out.equals(currentPath())));
      CliSupport.writeAtomically(out, json);
      spec.commandLine()
          .getOut()
          .printf(
              "trust store %s: version %d, %d key(s), threshold %d, expires %s%n",
              out,
              checked.version(),
              checked.keys().size(),
              checked.threshold(),
              checked.expires());
      for (TrustedKey k : checked.keys()) {
        spec.commandLine().getOut().println("  " + k.keyId() + " " + k.algorithm().wireName());
      }
      return OtaCli.EXIT_OK;
    }

    Path currentPath() {
      return null;
    }
  }

  /** {@code ota trust init}. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Create version 1 of a trust store from public keys. It must be signed by at least"
            + " --threshold of its own keys (--sign-key).",
        "Exit status: 0 ok, 2 invalid input (including too few signatures), 4 I/O failure."
      })
  static final class Init extends Common implements Callable<Integer> {
    @Option(
        names = "--key",
        required = true,
        paramLabel = "PUBKEY",
        description = "Public key (PEM) to trust; repeatable.")
    List<Path> keys = new ArrayList<>();

    @Override
    public Integer call() {
      Clock clock = Clock.systemUTC();
      List<TrustedKey> trusted = new ArrayList<>();
      for (Path k : keys) {
        trusted.add(TrustedKey.of(PublicKeys.readPem(k)));
      }
      Instant expiry =
          CliSupport.expiry(expires, expiresIn, clock.instant().plus(DEFAULT_LIFETIME), clock);
      if (!expiry.isAfter(clock.instant())) {
        // A store that is expired when made verifies no manifest: devices provisioned with it
        // could never install an update ('add' and 'rotate' refuse this as well).
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            expiry.toString(),
            "--expires: expected an instant after now (" + clock.instant() + "), found " + expiry);
      }
      TrustStoreDocument doc =
          TrustStoreDocument.create(trusted, threshold == null ? 1 : threshold, 1, expiry);
      return finish(doc, clock, null);
    }
  }

  /** Options of the commands that derive a new version from a current trust store. */
  abstract static class Next extends Common {
    @Option(
        names = "--trust",
        required = true,
        paramLabel = "FILE",
        description = "The current trust store.")
    Path trust;

    @Override
    Path currentPath() {
      return trust;
    }

    int next(List<Path> add, List<String> remove) {
      Clock clock = Clock.systemUTC();
      TrustStore current = TrustStore.read(trust);
      if (!current.unusableKeys().isEmpty()) {
        // The next document is built from the keys this version understands; writing it would
        // drop the others silently, and with them a newer toolchain's rotation plan.
        String ids =
            current.unusableKeys().stream()
                .map(k -> k.keyId() + " (" + k.algorithm() + ")")
                .collect(Collectors.joining(", "));
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            ids,
            "--trust: expected keys of algorithms this ota knows, found "
                + ids
                + "; rotate this trust store with a version of ota that knows them");
      }
      Map<String, TrustedKey> keys = new LinkedHashMap<>();
      current.keys().forEach(k -> keys.put(k.keyId(), k));
      for (String id : remove) {
        if (keys.remove(id) == null) {
          throw new OtaException(
              ReasonCode.INVALID_ARGUMENT,
              id,
              "--remove: expected a key id of the current trust store, found " + id);
        }
      }
      for (Path p : add) {
        TrustedKey k = TrustedKey.of(PublicKeys.readPem(p));
        if (keys.putIfAbsent(k.keyId(), k) != null) {
          throw new OtaException(
              ReasonCode.INVALID_ARGUMENT,
              k.keyId(),
              "--add/--key: expected a key not yet trusted, found "
                  + k.keyId()
                  + " in '"
                  + p
                  + "'");
        }
      }
      Instant expiry = CliSupport.expiry(expires, expiresIn, current.expires(), clock);
      int t = threshold == null ? current.threshold() : threshold;
      if (t > keys.size()) {
        // Never lower a threshold silently because keys were removed.
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Integer.toString(t),
            "--threshold: expected at most "
                + keys.size()
                + " (keys left), found "
                + t
                + (threshold == null ? " (kept from the current trust store)" : ""));
      }
      TrustStoreDocument doc =
          TrustStoreDocument.create(
              new ArrayList<>(keys.values()), t, current.version() + 1, expiry);
      return finish(doc, clock, current);
    }
  }

  /** {@code ota trust add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Write the next version of a trust store with more keys (threshold kept unless"
            + " --threshold is given, expiry kept unless --expires/--expires-in is given).",
        "Sign with a threshold of the current keys and a threshold of the new key set.",
        "Exit status: 0 ok, 2 invalid input, 3 rotation rejected (too few signatures), 4 I/O."
      })
  static final class Add extends Next implements Callable<Integer> {
    @Option(
        names = "--key",
        required = true,
        paramLabel = "PUBKEY",
        description = "Public key (PEM) to add; repeatable.")
    List<Path> keys = new ArrayList<>();

    @Override
    public Integer call() {
      return next(keys, List.of());
    }
  }

  /** {@code ota trust rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Write the next version of a trust store with keys added (--add) and removed (--remove),"
            + " and optionally a new threshold or expiry.",
        "Sign with a threshold of the current keys and a threshold of the new key set.",
        "Exit status: 0 ok, 2 invalid input, 3 rotation rejected (too few signatures), 4 I/O."
      })
  static final class Rotate extends Next implements Callable<Integer> {
    @Option(names = "--add", paramLabel = "PUBKEY", description = "Public key to add; repeatable.")
    List<Path> add = new ArrayList<>();

    @Option(names = "--remove", paramLabel = "KEYID", description = "Key id to remove; repeatable.")
    List<String> remove = new ArrayList<>();

    @Override
    public Integer call() {
      return next(add, remove);
    }
  }
}
