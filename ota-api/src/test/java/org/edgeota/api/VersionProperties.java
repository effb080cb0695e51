package org.edgeota.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Order laws of {@link Version}, over versions built to collide often. */
class VersionProperties {

  @Provide
  Arbitrary<Version> versions() {
    Arbitrary<Integer> number = Arbitraries.integers().between(0, 3);
    Arbitrary<String> identifier =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 12).map(String::valueOf),
            Arbitraries.of("alpha", "beta", "rc", "a-1", "0a"));
    Arbitrary<List<String>> pre = identifier.list().ofMaxSize(3);
    Arbitrary<String> build = Arbitraries.of("", "+b1", "+b2", "+001");
    return Combinators.combine(number, number, number, pre, build)
        .as(
            (ma, mi, pa, p, b) ->
                Version.parse(
                    ma + "." + mi + "." + pa + (p.isEmpty() ? "" : "-" + String.join(".", p)) + b));
  }

  @Property(tries = 2000, seed = "20261204")
  void compareTo_isAntisymmetric(@ForAll("versions") Version a, @ForAll("versions") Version b) {
    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
  }

  @Property(tries = 2000, seed = "20261204")
  void compareTo_isTransitive(
      @ForAll("versions") Version a, @ForAll("versions") Version b, @ForAll("versions") Version c) {
    if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
      assertThat(a.compareTo(c)).isLessThanOrEqualTo(0);
    }
  }

  @Property(tries = 2000, seed = "20261204")
  void compareTo_isConsistentWithEquals(
      @ForAll("versions") Version a, @ForAll("versions") Version b) {
    assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
    if (a.equals(b)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
  }

  @Property(tries = 2000, seed = "20261204")
  void precedence_agreesWithOrderExceptForBuildMetadata(
      @ForAll("versions") Version a, @ForAll("versions") Version b) {
    if (a.comparePrecedence(b) != 0) {
      assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(a.comparePrecedence(b)));
    }
  }

  @Property(tries = 1000, seed = "20261204")
  void parse_ofToString_isIdentity(@ForAll("versions") Version v) {
    assertThat(Version.parse(v.toString())).isEqualTo(v);
  }
}
