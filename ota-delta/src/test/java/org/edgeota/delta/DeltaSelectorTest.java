package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.delta.DeltaTestSupport.sha256;
import static org.edgeota.delta.DeltaTestSupport.write;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;
import org.edgeota.delta.DeltaTestSupport.Capture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSelectorTest {
  private static final Version V1 = Version.parse("1.0.0");

  @TempDir Path dir;

  private byte[] old;
  private byte[] neu;
  private Path oldFile;
  private Path patch;
  private final List<Capture> sinks = new ArrayList<>();
  private final List<Choice> attempts = new ArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();

  @BeforeEach
  void setUp() {
    old = Images.firmware(5, 50_000);
    neu = Images.nextRelease(old, 9);
    oldFile = write(dir, "old.img", old);
    patch = dir.resolve("v1-v2.bsdiff");
    DeltaGenerator.withDefaults().diff(oldFile, write(dir, "new.img", neu), patch);
  }

  private Component component(DeltaArtifact... deltas) {
    return new Component(
        "rootfs", "firmware", "new.img", neu.length, sha256(neu), 0, true, List.of(deltas));
  }

  private DeltaArtifact delta(String fromSha, Version from) throws Exception {
    byte[] p = Files.readAllBytes(patch);
    return new DeltaArtifact(from, fromSha, "v1-v2.bsdiff", p.length, sha256(p), "bsdiff");
  }

  private Selection install(Component c, DeltaSelector.DeltaFetcher fetcher, byte[] fullPayload)
      throws Exception {
    try (SeekableByteChannel ch = DeltaTestSupport.open(oldFile)) {
      return DeltaSelector.withDefaults()
          .install(
              c,
              new InstalledImage(ch, old.length, V1),
              d -> {
                fetches.incrementAndGet();
                return fetcher.fetch(d);
              },
              sink -> sink.write(ByteBuffer.wrap(fullPayload)),
              choice -> {
                attempts.add(choice);
                Capture s = new Capture();
                sinks.add(s);
                return s;
              });
    }
  }

  @Test
  void install_installedImageMatchesDeltaBase_usesDelta() throws Exception {
    Component c = component(delta(sha256(old), V1));

    Selection s = install(c, d -> patch, new byte[0]);

    assertThat(s.choice()).isEqualTo(Choice.DELTA);
    assertThat(s.sha256()).isEqualTo(sha256(neu));
    assertThat(attempts).containsExactly(Choice.DELTA);
    assertThat(sinks.get(0).toByteArray()).isEqualTo(neu);
  }

  @Test
  void install_installedImageHashesElsewhere_usesFullWithoutFetchingDelta() throws Exception {
    Component c = component(delta("ab".repeat(32), V1));

    Selection s = install(c, d -> patch, neu);

    assertThat(s.choice()).isEqualTo(Choice.FULL);
    assertThat(s.reason()).contains("matches no delta's fromSha256").contains(sha256(old));
    assertThat(fetches).hasValue(0);
    assertThat(attempts).containsExactly(Choice.FULL);
    assertThat(sinks.get(0).toByteArray()).isEqualTo(neu);
  }

  @Test
  void install_noDeltaOffered_usesFull() throws Exception {
    Selection s = install(component(), d -> patch, neu);

    assertThat(s.choice()).isEqualTo(Choice.FULL);
    assertThat(s.reason()).isEqualTo("no bsdiff delta offered");
    assertThat(s.delta()).isNull();
  }

  @Test
  void install_corruptPatch_abandonsDeltaSinkAndFallsBackToFull() throws Exception {
    Component c = component(delta(sha256(old), V1));
    byte[] bad = Files.readAllBytes(patch);
    bad[bad.length / 2] ^= 0x55;
    Path badPatch = write(dir, "bad.bsdiff", bad);

    Selection s = install(c, d -> badPatch, neu);

    assertThat(s.choice()).isEqualTo(Choice.FULL);
    assertThat(s.deltaFailure()).isIn(ReasonCode.DELTA_CORRUPT, ReasonCode.PAYLOAD_MISMATCH);
    assertThat(attempts).containsExactly(Choice.DELTA, Choice.FULL);
    assertThat(sinks.get(0).abandoned).isTrue();
    assertThat(sinks.get(1).toByteArray()).isEqualTo(neu);
  }

  @Test
  void install_unsupportedPatchFormat_fallsBackToFull() throws Exception {
    Component c = component(delta(sha256(old), V1));
    byte[] other = Files.readAllBytes(patch);
    other[7] = '3';
    Path otherPatch = write(dir, "other.bsdiff", other);

    Selection s = install(c, d -> otherPatch, neu);

    assertThat(s.choice()).isEqualTo(Choice.FULL);
    assertThat(s.deltaFailure()).isEqualTo(ReasonCode.DELTA_UNSUPPORTED_FORMAT);
  }

  @Test
  void install_deltaFetchFails_fallsBackToFull() throws Exception {
    Component c = component(delta(sha256(old), V1));

    Selection s =
        install(
            c,
            d -> {
              throw new OtaException(ReasonCode.DOWNLOAD_TRUNCATED, d.file(), "cut short");
            },
            neu);

    assertThat(s.choice()).isEqualTo(Choice.FULL);
    assertThat(s.deltaFailure()).isEqualTo(ReasonCode.DOWNLOAD_TRUNCATED);
    assertThat(attempts).containsExactly(Choice.FULL);
  }

  @Test
  void install_fullPayloadWithWrongContent_throwsPayloadMismatchAndAbandons() throws Exception {
    byte[] wrong = neu.clone();
    wrong[0] ^= 1;

    assertThatThrownBy(() -> install(component(), d -> patch, wrong))
        .isInstanceOfSatisfying(
            OtaException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.PAYLOAD_MISMATCH));
    assertThat(sinks.get(0).abandoned).isTrue();
  }

  @Test
  void install_fullPayloadLongerThanComponent_isRefusedBeforeWritingPastSize() throws Exception {
    byte[] longer = new byte[neu.length + 100];
    System.arraycopy(neu, 0, longer, 0, neu.length);

    assertThatThrownBy(() -> install(component(), d -> patch, longer))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected " + neu.length);
    assertThat(sinks.get(0).toByteArray()).isEmpty();
  }

  @Test
  void install_twoDeltasWithSameBase_prefersInstalledVersion() throws Exception {
    DeltaArtifact other =
        new DeltaArtifact(
            Version.parse("0.9.0"), sha256(old), "x.bsdiff", 1, "cd".repeat(32), "bsdiff");
    Component c = component(other, delta(sha256(old), V1));
    List<String> fetched = new ArrayList<>();

    Selection s =
        install(
            c,
            d -> {
              fetched.add(d.file());
              return patch;
            },
            neu);

    assertThat(s.choice()).isEqualTo(Choice.DELTA);
    assertThat(fetched).containsExactly("v1-v2.bsdiff");
  }
}
