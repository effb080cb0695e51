package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgeota.delta.DeltaTestSupport.sha256;
import static org.edgeota.delta.DeltaTestSupport.write;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.SlotWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaApplierTest {
  @TempDir Path dir;

  private byte[] old;
  private byte[] neu;
  private Path patch;

  @BeforeEach
  void setUp() {
    old = Images.firmware(21, 40_000);
    neu = Images.nextRelease(old, 22);
    patch = dir.resolve("p.bsdiff");
    DeltaGenerator.withDefaults()
        .diff(write(dir, "old.img", old), write(dir, "new.img", neu), patch);
  }

  /**
   * An image in a slot larger than itself: bytes after the image must read as zero, not as data.
   */
  @Test
  void apply_oldImageInLargerSlot_readsOnlyOldSize() throws Exception {
    byte[] image = {10, 20, 30, 40};
    byte[] slot = {10, 20, 30, 40, 0x5a, 0x5a, 0x5a, 0x5a};
    Path slotFile = write(dir, "slot.img", slot);
    Path p =
        write(
            dir,
            "tail.patch",
            new PatchBuilder()
                .triple(0, 0, 2)
                .triple(4, 0, 0)
                .diffBytes(new byte[] {1, 1, 1, 1})
                .build());
    byte[] expected = {31, 41, 1, 1};
    DeltaTestSupport.Capture out = new DeltaTestSupport.Capture();

    try (SeekableByteChannel ch = DeltaTestSupport.open(slotFile)) {
      DeltaApplier.withDefaults().apply(ch, image.length, p, out, 4, sha256(expected));
    }

    assertThat(out.toByteArray()).isEqualTo(expected);
  }

  @Test
  void apply_toWritableChannel_writesNewImage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ApplyResult r;
    try (SeekableByteChannel ch = DeltaTestSupport.open(dir.resolve("old.img"))) {
      r =
          DeltaApplier.withDefaults()
              .apply(ch, patch, Sink.of(Channels.newChannel(bytes)), neu.length, sha256(neu));
    }

    assertThat(bytes.toByteArray()).isEqualTo(neu);
    assertThat(r.size()).isEqualTo(neu.length);
    assertThat(r.sha256()).isEqualTo(sha256(neu));
    assertThat(r.controlEntries()).isPositive();
  }

  @Test
  void apply_toSlotWriter_writesWithoutCommittingAndAbandonCloses() throws Exception {
    FakeSlotWriter slot = new FakeSlotWriter();
    Sink sink = Sink.of(slot);

    try (SeekableByteChannel ch = DeltaTestSupport.open(dir.resolve("old.img"))) {
      DeltaApplier.withDefaults().apply(ch, patch, sink, neu.length, sha256(neu));
    }
    boolean closedBeforeAbandon = slot.closed;
    sink.abandon();

    assertThat(slot.bytes.toByteArray()).isEqualTo(neu);
    assertThat(slot.committed).isFalse();
    assertThat(closedBeforeAbandon).isFalse();
    assertThat(slot.closed).isTrue();
  }

  @Test
  void applyToFile_validPatch_replacesExistingFileAtomically() throws Exception {
    Path out = Files.write(dir.resolve("out.img"), new byte[] {1, 2, 3});

    try (SeekableByteChannel ch = DeltaTestSupport.open(dir.resolve("old.img"))) {
      DeltaApplier.withDefaults().applyToFile(ch, patch, out, neu.length, sha256(neu));
    }

    assertThat(Files.readAllBytes(out)).isEqualTo(neu);
  }

  @Test
  void apply_expectedShaNotHex_isInvalidArgument() throws Exception {
    try (SeekableByteChannel ch = DeltaTestSupport.open(dir.resolve("old.img"))) {
      assertThatThrownBy(
              () -> DeltaApplier.withDefaults().apply(ch, patch, Sink.discard(), neu.length, "ABC"))
          .isInstanceOfSatisfying(
              OtaException.class,
              e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ARGUMENT));
    }
  }

  @Test
  void bufferSize_outOfRange_isInvalidArgument() {
    assertThatThrownBy(() -> DeltaApplier.builder().bufferSize(100))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("bufferSize");
  }

  /** A slot writer that keeps bytes in memory and records commit and close. */
  static final class FakeSlotWriter implements SlotWriter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean committed;
    boolean closed;

    @Override
    public void write(ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      bytes.writeBytes(b);
    }

    @Override
    public long written() {
      return bytes.size();
    }

    @Override
    public void commit(String expectedSha256) {
      committed = true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
