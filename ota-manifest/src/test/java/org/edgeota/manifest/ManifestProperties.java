package org.edgeota.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.manifest.Fixtures.CLOCK;
import static org.edgeota.manifest.Fixtures.ED_1;
import static org.edgeota.manifest.Fixtures.P256_1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.Release;
import org.edgeota.api.Version;

/** Properties of signed manifests over generated releases. */
class ManifestProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TrustStore TRUST = Fixtures.trust(1, ED_1, P256_1);
  private static final long MAX_SAFE = (1L << 53) - 1;

  /** Signing a generated manifest with either algorithm and verifying it always succeeds. */
  @Property(seed = "20261204", tries = 150)
  void signThenVerify_holds(@ForAll("releases") Release release, @ForAll boolean useEcdsa) {
    SigningKey key = useEcdsa ? P256_1 : ED_1;
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), key);

    SignedManifest received = SignedManifest.parse(signed.toJson());

    assertThat(TRUST.verifyManifest(received, CLOCK)).containsExactly(key.keyId());
  }

  /** Changing, removing or adding any one piece of signed content makes the manifest fail. */
  @Property(seed = "20261205", tries = 300)
  void anySingleMutationOfSignedContent_fails(
      @ForAll("releases") Release release,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll @IntRange(min = 0, max = 2) int kind)
      throws Exception {
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), ED_1);
    ObjectNode root = (ObjectNode) JSON.readTree(signed.toJson());
    List<Slot> slots = new ArrayList<>();
    collect(root, slots, true);
    Slot slot = slots.get(where % slots.size());

    slot.mutate(kind);
    byte[] mutated = JSON.writeValueAsBytes(root);

    assertThatThrownBy(() -> TRUST.verifyManifest(SignedManifest.parse(mutated), CLOCK))
        .isInstanceOf(OtaException.class);
  }

  /** The canonical form does not depend on member order or whitespace. */
  @Property(seed = "20261206", tries = 300)
  void canonicalForm_invariantUnderReorderingAndWhitespace(
      @ForAll("releases") Release release, @ForAll long shuffleSeed) throws Exception {
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), ED_1);
    JsonNode root = JSON.readTree(signed.toJson());
    Random random = new Random(shuffleSeed);
    JsonNode shuffled = shuffle(root, random);
    String spaced = spaced(JSON.writeValueAsString(shuffled), random);

    SignedManifest reparsed = SignedManifest.parse(spaced.getBytes(StandardCharsets.UTF_8));

    assertThat(reparsed.canonicalSignedBytes()).isEqualTo(signed.canonicalSignedBytes());
    assertThat(TRUST.verifyManifest(reparsed, CLOCK)).containsExactly(ED_1.keyId());
  }

  /** Parsing what was serialized gives back the same manifest and release. */
  @Property(seed = "20261207", tries = 300)
  void parseOfSerialize_isIdentity(@ForAll("releases") Release release) {
    SignedManifest signed = ManifestSigner.sign(SignedManifest.unsigned(release), ED_1);

    SignedManifest parsed = SignedManifest.parse(signed.toJson());

    assertThat(parsed).isEqualTo(signed);
    assertThat(parsed.release()).isEqualTo(release);
    assertThat(parsed.toJson()).isEqualTo(signed.toJson());
  }

  /** Every finite double prints as text that reads back as the same double. */
  @Property(seed = "20261208", tries = 2000)
  void serializeNumber_anyFiniteDouble_readsBack(@ForAll long bits) {
    double value = Double.longBitsToDouble(bits);
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return;
    }

    String text = Jcs.serializeNumber(value);

    assertThat(Double.parseDouble(text)).isEqualTo(value == 0 ? 0.0 : value);
    assertThat(text).doesNotContain("E").doesNotEndWith(".0");
  }

  // ---- generators ----

  @Provide
  Arbitrary<Release> releases() {
    Arbitrary<Version> versions = versions();
    Arbitrary<Instant> dates =
        Arbitraries.longs()
            .between(1_600_000_000L, 1_900_000_000L)
            .flatMap(
                s ->
                    Arbitraries.of(0L, 0L, 123_000_000L, 1L)
                        .map(nanos -> Instant.ofEpochSecond(s, nanos)));
    Arbitrary<List<String>> deviceTypes =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyzABC0123456789-_.")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(s -> Character.isLetterOrDigit(s.charAt(0)))
            .list()
            .uniqueElements()
            .ofMinSize(1)
            .ofMaxSize(3);
    Arbitrary<List<Component>> components =
        componentSeeds().list().ofMinSize(1).ofMaxSize(4).map(ManifestProperties::named);
    Arbitrary<Release> head =
        Combinators.combine(
                versions,
                Arbitraries.longs().between(1, MAX_SAFE),
                Arbitraries.of(true, false),
                dates,
                Arbitraries.longs().between(1, 100_000_000L),
                versions,
                deviceTypes,
                versions.injectNull(0.4))
            .as(
                (v, seq, down, date, life, minAgent, types, rollback) ->
                    new Release(
                        v,
                        seq,
                        down,
                        date,
                        date.plusSeconds(life),
                        minAgent,
                        types,
                        rollback,
                        List.of()));
    return Combinators.combine(head, components).as(Fixtures::withComponents);
  }

  private static Arbitrary<Version> versions() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(0, 300),
            Arbitraries.of("", "", "-rc.1", "-beta.2", "+build.7", "-alpha+sha.5114f85"))
        .as((a, b, c, suffix) -> Version.parse(a + "." + b + "." + c + suffix));
  }

  private static Arbitrary<Component> componentSeeds() {
    Arbitrary<String> sha = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<Long> sizes =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 1 << 20), Arbitraries.longs().between(0, 1L << 40));
    Arbitrary<DeltaArtifact> delta =
        Combinators.combine(versions(), sha, sizes, sha)
            .as(
                (from, fromSha, size, s) ->
                    new DeltaArtifact(from, fromSha, "x", size, s, "bsdiff"));
    Arbitrary<String> names =
        Arbitraries.strings().withChars("abcXYZ019-_é€\u00fc").ofMinLength(0).ofMaxLength(8);
    return Combinators.combine(
            names,
            Arbitraries.of("firmware", "application", "config", "vendor.blob"),
            sizes,
            sha,
            Arbitraries.integers().between(0, 1000),
            Arbitraries.of(true, false),
            delta.list().ofMaxSize(2))
        .as(
            (name, type, size, s, order, reboot, deltas) ->
                new Component(name, type, "x", size, s, order, reboot, deltas));
  }

  /** Gives every component and delta a unique name and file. */
  private static List<Component> named(List<Component> seeds) {
    List<Component> out = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i++) {
      Component c = seeds.get(i);
      String name = "c" + i + c.name();
      List<DeltaArtifact> deltas = new ArrayList<>();
      for (int j = 0; j < c.deltas().size(); j++) {
        DeltaArtifact d = c.deltas().get(j);
        deltas.add(
            new DeltaArtifact(
                d.fromVersion(),
                d.fromSha256(),
                name + "-d" + j + ".patch",
                d.size(),
                d.sha256(),
                d.algorithm()));
      }
      out.add(
          new Component(
              name,
              c.type(),
              name + ".bin",
              c.size(),
              c.sha256(),
              c.installOrder(),
              c.rebootRequired(),
              deltas));
    }
    return out;
  }

  // ---- mutation and reshaping helpers ----

  /** One place in the tree that can be changed. */
  private interface Slot {
    void mutate(int kind);
  }

  private static void collect(JsonNode node, List<Slot> slots, boolean isRoot) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (isRoot && name.equals("signatures")) {
          continue;
        }
        JsonNode child = o.get(name);
        slots.add(
            kind -> {
              if (kind == 1) {
                o.remove(name);
              } else if (kind == 2) {
                o.put(name + "X", 1);
              } else {
                o.set(name, changed(child));
              }
            });
        collect(child, slots, false);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        int index = i;
        JsonNode child = a.get(i);
        slots.add(
            kind -> {
              if (kind == 1) {
                a.remove(index);
              } else if (kind == 2) {
                a.insert(index, child.deepCopy());
              } else {
                a.set(index, changed(child));
              }
            });
        collect(child, slots, false);
      }
      if (a.isEmpty()) {
        slots.add(kind -> a.add("x"));
      }
    }
  }

  private static JsonNode changed(JsonNode value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value.isTextual()) {
      String s = value.textValue();
      char last = s.charAt(s.length() - 1);
      return f.textNode(s.substring(0, s.length() - 1) + (last == '1' ? '2' : '1'));
    }
    if (value.isIntegralNumber()) {
      return f.numberNode(value.longValue() == 0 ? 1 : value.longValue() - 1);
    }
    if (value.isBoolean()) {
      return f.booleanNode(!value.booleanValue());
    }
    if (value.isArray()) {
      return value.isEmpty() ? f.arrayNode().add("x") : f.arrayNode();
    }
    return value.isEmpty() ? f.objectNode().put("x", 1) : f.objectNode();
  }

  private static JsonNode shuffle(JsonNode node, Random random) {
    if (node instanceof ObjectNode o) {
      List<Map.Entry<String, JsonNode>> members = new ArrayList<>(o.properties());
      Collections.shuffle(members, random);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      members.forEach(e -> out.set(e.getKey(), shuffle(e.getValue(), random)));
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      a.forEach(e -> out.add(shuffle(e, random)));
      return out;
    }
    return node;
  }

  /** Inserts random JSON whitespace after structural characters outside strings. */
  private static String spaced(String compact, Random random) {
    String[] ws = {"", " ", "\n", "\t", "\r\n  "};
    StringBuilder sb = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      sb.append(c);
      if (c == '"' && (i == 0 || compact.charAt(i - 1) != '\\')) {
        inString = !inString;
      }
      if (!inString && "{}[],:".indexOf(c) >= 0) {
        sb.append(ws[random.nextInt(ws.length)]);
      }
    }
    return ws[random.nextInt(ws.length)] + sb + ws[random.nextInt(ws.length)];
  }
}
