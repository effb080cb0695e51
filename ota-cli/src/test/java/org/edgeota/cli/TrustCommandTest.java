package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.edgeota.manifest.Jcs;
import org.edgeota.manifest.ManifestSigner;
import org.edgeota.manifest.PublicKeys;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.SigningKey;
import org.edgeota.manifest.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ota keygen} and {@code ota trust init|add|rotate} on temporary directories. */
class TrustCommandTest {
  @TempDir Path tmp;

  private CliRun cli;
  private Path keys;
  private Path trust;

  @BeforeEach
  void setUp() {
    keys = tmp.resolve("keys");
    trust = tmp.resolve("trust.json");
    cli = new CliRun(keys);
    for (String name : new String[] {"a", "b", "c", "d"}) {
      assertThat(cli.keygen("ed25519", name)).isZero();
    }
    assertThat(cli.initTrustOfTwo("a", "b", trust)).as(cli.err()).isZero();
  }

  private int rotate(String... options) {
    return cli.run(
        CliRun.concat(new String[] {"trust", "rotate", "--trust", trust.toString()}, options));
  }

  @Test
  void keygen_printsKeyIdOfWrittenPublicKey() {
    int status = cli.keygen("p256", "p");

    String id = PublicKeys.keyId(PublicKeys.readPem(keys.resolve("p.pub.pem")));
    assertThat(status).isZero();
    assertThat(cli.out()).contains("key id:      " + id).contains("ecdsa-p256-sha256");
  }

  @Test
  void keygen_existingName_exitsFourAndKeepsKey() throws Exception {
    byte[] before = Files.readAllBytes(keys.resolve("a.pem"));

    int status = cli.keygen("ed25519", "a");

    assertThat(status).isEqualTo(OtaCli.EXIT_IO);
    assertThat(Files.readAllBytes(keys.resolve("a.pem"))).isEqualTo(before);
  }

  /**
   * Regression: {@code --name x.pub} wrote the PRIVATE key to {@code x.pub.pem}, the name a public
   * key file has, so it could be published by mistake; a later {@code --name x} then failed
   * half-way and left {@code x.pem} without its public key.
   */
  @Test
  void keygen_namePubSuffix_exitsTwoAndWritesNothing() throws Exception {
    Path dir = tmp.resolve("pubkeys");

    int status =
        cli.run(
            "keygen", "--algorithm", "ed25519", "--out", dir.toString(), "--name", "release.PUB");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("'release.PUB'").contains(".pub");
    assertThat(dir.resolve("release.PUB.pem")).doesNotExist();
  }

  @Test
  void keygen_unknownAlgorithm_exitsTwo() {
    int status = cli.run("keygen", "--algorithm", "rsa", "--out", keys.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("rsa");
  }

  @Test
  void init_writesTrustStoreSignedByItsKeys() {
    TrustStore store = TrustStore.read(trust);

    assertThat(store.version()).isEqualTo(1);
    assertThat(store.threshold()).isEqualTo(2);
    assertThat(store.keys()).hasSize(2);
  }

  @Test
  void init_signedByFewerThanThreshold_exitsTwoAndWritesNothing() {
    Path other = tmp.resolve("other.json");

    int status =
        cli.run(
            "trust",
            "init",
            "--key",
            cli.pub("a"),
            "--key",
            cli.pub("b"),
            "--threshold",
            "2",
            "--sign-key",
            cli.key("a"),
            "--out",
            other.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("TRUST_STORE_INVALID");
    assertThat(Files.exists(other)).isFalse();
  }

  @Test
  void add_signedByThresholdOfOldAndNewKeys_writesNextVersion() {
    Path next = tmp.resolve("trust-2.json");

    int status =
        cli.run(
            "trust",
            "add",
            "--trust",
            trust.toString(),
            "--key",
            cli.pub("c"),
            "--sign-key",
            cli.key("a"),
            "--sign-key",
            cli.key("b"),
            "--out",
            next.toString());

    TrustStore rotated =
        TrustStore.read(trust).rotate(readBytes(next), java.time.Clock.systemUTC());
    assertThat(status).as(cli.err()).isZero();
    assertThat(rotated.version()).isEqualTo(2);
    assertThat(rotated.keys()).hasSize(3);
  }

  @Test
  void rotate_signedByTooFewOldKeys_exitsThreeAndWritesNothing() {
    Path next = tmp.resolve("trust-2.json");

    int status =
        rotate(
            "--remove",
            cli.keyId("b"),
            "--add",
            cli.pub("c"),
            "--sign-key",
            cli.key("a"),
            "--sign-key",
            cli.key("c"),
            "--out",
            next.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(cli.err()).contains("TRUST_ROTATION_REJECTED");
    assertThat(Files.exists(next)).isFalse();
  }

  @Test
  void rotate_replacingKeys_newStoreVerifiesManifestsOfNewKeysOnly() {
    Path next = tmp.resolve("trust-2.json");

    int status =
        rotate(
            "--remove",
            cli.keyId("a"),
            "--remove",
            cli.keyId("b"),
            "--add",
            cli.pub("c"),
            "--add",
            cli.pub("d"),
            "--threshold",
            "1",
            "--sign-key",
            cli.key("a"),
            "--sign-key",
            cli.key("b"),
            "--sign-key",
            cli.key("c"),
            "--out",
            next.toString());

    TrustStore rotated =
        TrustStore.read(trust).rotate(readBytes(next), java.time.Clock.systemUTC());
    SignedManifest byD = ManifestSigner.sign(manifest(), SigningKey.readPem(Path.of(cli.key("d"))));
    assertThat(status).as(cli.err()).isZero();
    assertThat(rotated.verifyManifest(byD, java.time.Clock.systemUTC())).hasSize(1);
  }

  /**
   * The next document is built from the keys this version understands, so rotating a store that
   * also lists a key of a newer algorithm would have dropped that key without a word.
   */
  @Test
  void rotate_storeListsKeyOfUnknownAlgorithm_exitsTwoNamingItAndWritesNothing() throws Exception {
    byte[] newKey = "a public key of a newer algorithm".getBytes(StandardCharsets.UTF_8);
    String newKeyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(newKey));
    ObjectMapper json = new ObjectMapper();
    ObjectNode content = (ObjectNode) json.readTree(Files.readAllBytes(trust));
    content.remove("signatures");
    content
        .withArray("keys")
        .addObject()
        .put("keyId", newKeyId)
        .put("algorithm", "ml-dsa-65")
        .put("publicKey", Base64.getEncoder().encodeToString(newKey));
    byte[] canonical = Jcs.canonicalize(json.writeValueAsBytes(content));
    ArrayNode signatures = content.putArray("signatures");
    for (String signer : new String[] {"a", "b"}) {
      SigningKey k = SigningKey.readPem(Path.of(cli.key(signer)));
      signatures
          .addObject()
          .put("keyId", k.keyId())
          .put("algorithm", k.algorithm().wireName())
          .put("value", Base64.getEncoder().encodeToString(k.sign(canonical)));
    }
    Files.write(trust, json.writeValueAsBytes(content));
    assertThat(TrustStore.read(trust).unusableKeys()).hasSize(1);
    Path next = tmp.resolve("trust-2.json");

    int status =
        rotate(
            "--add",
            cli.pub("c"),
            "--sign-key",
            cli.key("a"),
            "--sign-key",
            cli.key("b"),
            "--out",
            next.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains(newKeyId).contains("ml-dsa-65");
    assertThat(next).doesNotExist();
  }

  @Test
  void rotate_removingUnknownKeyId_exitsTwo() {
    int status =
        rotate(
            "--remove",
            "0".repeat(64),
            "--sign-key",
            cli.key("a"),
            "--out",
            tmp.resolve("x.json").toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("0".repeat(64));
  }

  @Test
  void rotate_removingKeysBelowKeptThreshold_exitsTwoInsteadOfLoweringThreshold() {
    Path next = tmp.resolve("trust-2.json");

    int status =
        rotate(
            "--remove",
            cli.keyId("b"),
            "--sign-key",
            cli.key("a"),
            "--sign-key",
            cli.key("b"),
            "--out",
            next.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("--threshold");
    assertThat(Files.exists(next)).isFalse();
  }

  private int initSignedByC(String expiryOption, String expiry, Path out) {
    return cli.run(
        "trust",
        "init",
        "--key",
        cli.pub("c"),
        "--sign-key",
        cli.key("c"),
        expiryOption,
        expiry,
        "--out",
        out.toString());
  }

  private static byte[] readBytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static SignedManifest manifest() {
    java.time.Instant now = java.time.Instant.now();
    return SignedManifest.unsigned(
        new org.edgeota.api.Release(
            org.edgeota.api.Version.parse("1.0.0"),
            1,
            false,
            now,
            now.plusSeconds(3600),
            org.edgeota.api.Version.parse("0.0.0"),
            java.util.List.of("x"),
            null,
            java.util.List.of(
                new org.edgeota.api.Component(
                    "fw", "firmware", "fw.img", 1, "a".repeat(64), 1, true, java.util.List.of()))));
  }

  /**
   * Regression: {@code ota trust init --expires} with a past instant wrote a trust store that was
   * expired from the start and so could verify no manifest at all; 'add' and 'rotate' already
   * refused this.
   */
  @Test
  void init_expiryInThePast_exitsTwoAndWritesNothing() {
    Path store = tmp.resolve("expired.json");

    int status = initSignedByC("--expires", "2020-01-01T00:00:00Z", store);

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("--expires").contains("2020-01-01T00:00:00Z");
    assertThat(store).doesNotExist();
  }

  /**
   * Regression: an --expires-in so long that the expiry overflowed {@code Instant} printed only
   * "ota: Instant exceeds minimum or maximum instant", naming neither the option nor the value.
   */
  @Test
  void init_expiresInBeyondInstantRange_exitsTwoNamingOptionAndValue() {
    Path store = tmp.resolve("far.json");

    int status = initSignedByC("--expires-in", "999999999999d", store);

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("INVALID_ARGUMENT").contains("--expires-in: expected");
    assertThat(cli.err()).contains("'999999999999d'");
    assertThat(store).doesNotExist();
  }

  /**
   * Regression: an --expires-in whose days overflowed while they were turned into seconds printed
   * only "ota: ArithmeticException: long overflow", naming neither the option nor the value.
   */
  @Test
  void init_expiresInOverflowingDuration_exitsTwoNamingOptionAndValue() {
    Path store = tmp.resolve("overflow.json");

    int status = initSignedByC("--expires-in", "999999999999999d", store);

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("INVALID_ARGUMENT: --expires-in: expected");
    assertThat(cli.err()).contains("'999999999999999d'").doesNotContain("Exception");
    assertThat(store).doesNotExist();
  }

  /** Regression: 'trust init --help' spoke of "the --trust file", an option init does not have. */
  @Test
  void help_init_saysTheTrustFileConcernsAddAndRotateOnly() {
    int status = cli.run("trust", "init", "--help");

    String help = cli.out().replaceAll("\\s+", " ");
    assertThat(status).isZero();
    assertThat(help).contains("(add and rotate: not needed when --out names the --trust file");
  }
}
