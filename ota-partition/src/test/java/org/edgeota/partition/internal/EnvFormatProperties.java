package org.edgeota.partition.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

class EnvFormatProperties {
  private static final int SIZE = 0x800;

  @Provide
  Arbitrary<Map<String, String>> environments() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .excludeChars('=')
            .ofMinLength(1)
            .ofMaxLength(12);
    Arbitrary<String> values =
        Arbitraries.strings()
            .withCharRange('\u0001', '\u00ff')
            .withChars("\u00e4\u2713")
            .ofMaxLength(40);
    return Arbitraries.maps(names, values).ofMaxSize(20);
  }

  @Property(seed = "6006", tries = 300)
  void encodeThenDecode_sameEntriesAndFlags(
      @ForAll("environments") Map<String, String> vars,
      @ForAll boolean redundant,
      @ForAll @IntRange(min = 0, max = 255) int flags) {
    List<EnvFormat.Entry> entries = new ArrayList<>();
    vars.forEach((k, v) -> entries.add(EnvFormat.Entry.of(k, v)));

    byte[] copy = EnvFormat.encode(entries, SIZE, redundant, flags);
    Optional<EnvFormat.Decoded> decoded = EnvFormat.decode(copy, redundant);

    assertThat(decoded).isPresent();
    assertThat(decoded.get().entries()).isEqualTo(entries);
    assertThat(decoded.get().flags()).isEqualTo(redundant ? flags : 0);
    Map<String, String> back = new LinkedHashMap<>();
    decoded.get().entries().forEach(e -> back.put(e.nameText(), e.valueText()));
    assertThat(back).isEqualTo(vars);
  }

  @Property(seed = "6007", tries = 300)
  void anySingleByteFlipInDataArea_failsTheCrc(
      @ForAll("environments") Map<String, String> vars,
      @ForAll @IntRange(min = 5, max = SIZE - 1) int at,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    List<EnvFormat.Entry> entries = new ArrayList<>();
    vars.forEach((k, v) -> entries.add(EnvFormat.Entry.of(k, v)));
    byte[] copy = EnvFormat.encode(entries, SIZE, true, 3);

    copy[at] ^= (byte) mask;

    assertThat(EnvFormat.decode(copy, true)).isEmpty();
  }

  @Property(seed = "6008", tries = 256)
  void choose_copyWrittenWithNextFlag_winsOverTheCopyItReplaces(
      @ForAll @IntRange(min = 0, max = 255) int current) {
    Optional<EnvFormat.Decoded> old = Optional.of(new EnvFormat.Decoded(current, List.of(), 0));
    Optional<EnvFormat.Decoded> next =
        Optional.of(new EnvFormat.Decoded((current + 1) & 0xff, List.of(), 0));

    int nextSecond = EnvFormat.choose(old, next);
    int nextFirst = EnvFormat.choose(next, old);

    assertThat(nextSecond).isEqualTo(1);
    assertThat(nextFirst).isZero();
  }

  @Property(seed = "6009", tries = 200)
  void encode_entriesLargerThanDataArea_full(
      @ForAll @IntRange(min = SIZE - 8, max = SIZE * 2) int valueLength) {
    List<EnvFormat.Entry> entries = List.of(EnvFormat.Entry.of("k", "x".repeat(valueLength)));

    OtaException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            OtaException.class, () -> EnvFormat.encode(entries, SIZE, true, 0));

    // "k=" + value + NUL + final NUL must fit in SIZE - 5 bytes
    if (valueLength + 4 <= SIZE - 5) {
      assertThat(e).isNull();
    } else {
      assertThat(e).isNotNull();
      assertThat(e.reason()).isEqualTo(ReasonCode.BOOT_ENV_FULL);
    }
  }
}
