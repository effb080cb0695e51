package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.PartitionBackend;
import org.edgeota.api.spi.SlotWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileSlotsTest {
  private static final int CAPACITY = 64 * 1024;

  @TempDir Path dir;
  private Map<Slot, Path> files;

  @BeforeEach
  void slots() throws IOException {
    files = Map.of(Slot.A, dir.resolve("a.img"), Slot.B, dir.resolve("b.img"));
    Files.write(files.get(Slot.A), new byte[CAPACITY]);
    Files.write(files.get(Slot.B), new byte[CAPACITY]);
  }

  static byte[] image(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static void writeInChunks(SlotWriter w, byte[] img) {
    for (int off = 0; off < img.length; off += 1000) {
      w.write(ByteBuffer.wrap(img, off, Math.min(1000, img.length - off)));
    }
  }

  @Test
  void openForWrite_inactiveSlot_writesVerifiesAndReadsBack() throws IOException {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);
    byte[] img = image(40_000, 1);

    try (SlotWriter w = slots.openForWrite(Slot.B, img.length)) {
      writeInChunks(w, img);
      w.commit(sha256(img));
      assertThat(w.written()).isEqualTo(img.length);
    }

    byte[] back = new byte[img.length];
    try (SeekableByteChannel ch = slots.openForRead(Slot.B)) {
      ch.read(ByteBuffer.wrap(back));
    }
    assertThat(back).isEqualTo(img);
    assertThat(Files.size(files.get(Slot.B))).isEqualTo(CAPACITY);
  }

  @Test
  void openForWrite_bootedSlot_refusedAndUntouched() throws IOException {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);

    assertThatThrownBy(() -> slots.openForWrite(Slot.A, 10))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_ACTIVE);
    assertThat(Files.readAllBytes(files.get(Slot.A))).isEqualTo(new byte[CAPACITY]);
  }

  @Test
  void openForWrite_imageLargerThanSlot_refusedBeforeWriting() {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);

    assertThatThrownBy(() -> slots.openForWrite(Slot.B, CAPACITY + 1L))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_TOO_SMALL);
  }

  @Test
  void write_moreBytesThanDeclared_slotTooSmall() {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);

    try (SlotWriter w = slots.openForWrite(Slot.B, 100)) {
      assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[101])))
          .extracting(e -> ((OtaException) e).reason())
          .isEqualTo(ReasonCode.SLOT_TOO_SMALL);
    }
  }

  @Test
  void commit_wrongDigest_payloadMismatch() {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);
    byte[] img = image(5000, 2);

    try (SlotWriter w = slots.openForWrite(Slot.B, img.length)) {
      w.write(ByteBuffer.wrap(img));
      assertThatThrownBy(() -> w.commit(sha256(image(5000, 3))))
          .extracting(e -> ((OtaException) e).reason())
          .isEqualTo(ReasonCode.PAYLOAD_MISMATCH);
    }
  }

  @Test
  void commit_fewerBytesThanDeclared_payloadMismatch() {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);
    byte[] img = image(5000, 2);

    try (SlotWriter w = slots.openForWrite(Slot.B, img.length + 1)) {
      w.write(ByteBuffer.wrap(img));
      assertThatThrownBy(() -> w.commit(sha256(img)))
          .extracting(e -> ((OtaException) e).reason())
          .hasToString("PAYLOAD_MISMATCH");
    }
  }

  @Test
  void commit_bytesChangedUnderneath_readBackFails() throws IOException {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);
    byte[] img = image(5000, 4);

    try (SlotWriter w = slots.openForWrite(Slot.B, img.length)) {
      w.write(ByteBuffer.wrap(img));
      byte[] tampered = Arrays.copyOf(img, img.length);
      tampered[123] ^= 1;
      try (var ch =
          java.nio.channels.FileChannel.open(
              files.get(Slot.B), java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(tampered, 123, 1), 123);
      }

      assertThatThrownBy(() -> w.commit(sha256(img)))
          .extracting(e -> ((OtaException) e).reason())
          .isEqualTo(ReasonCode.SLOT_VERIFY_FAILED);
    }
  }

  @Test
  void write_afterCommit_refused() {
    PartitionBackend slots = ImageFileSlots.preallocated(files, () -> Slot.A);
    byte[] img = image(10, 5);
    SlotWriter w = slots.openForWrite(Slot.B, img.length);
    w.write(ByteBuffer.wrap(img));
    w.commit(sha256(img));

    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(img))).isInstanceOf(OtaException.class);
    w.close();
  }

  @Test
  void withCapacity_missingFile_createdAndCapacityDeclared() throws IOException {
    Map<Slot, Path> fresh = Map.of(Slot.A, dir.resolve("x.img"), Slot.B, dir.resolve("y.img"));
    PartitionBackend slots = ImageFileSlots.withCapacity(fresh, 1000, () -> Slot.B);
    byte[] img = image(700, 6);

    try (SlotWriter w = slots.openForWrite(Slot.A, img.length)) {
      w.write(ByteBuffer.wrap(img));
      w.commit(sha256(img));
    }

    assertThat(slots.capacity(Slot.A)).isEqualTo(1000);
    assertThat(Files.readAllBytes(fresh.get(Slot.A))).isEqualTo(img);
    assertThatThrownBy(() -> slots.openForWrite(Slot.A, 1001))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_TOO_SMALL);
  }

  @Test
  void preallocatedWithScheme_duringTrial_bothSlotsProtected() {
    UBootEnv env =
        UBootEnv.create(
            FwEnvConfig.single(dir.resolve("env.img"), 0, 0x1000),
            BootScheme.defaultEnvironment(3));
    BootScheme scheme = BootScheme.of(env);
    PartitionBackend slots = ImageFileSlots.preallocated(files, scheme);
    scheme.prepareTrial(Slot.B);

    assertThatThrownBy(() -> slots.openForWrite(Slot.A, 1))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_ACTIVE);
    assertThatThrownBy(() -> slots.openForWrite(Slot.B, 1))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_ACTIVE);
    scheme.commit();
    slots.openForWrite(Slot.A, 1).close();
  }

  @Test
  void blockDeviceSlots_regularFileStandIn_capacityIsFileSize() {
    BlockDeviceSlots slots = BlockDeviceSlots.of(files, () -> Slot.B);
    byte[] img = image(CAPACITY, 7);

    try (SlotWriter w = slots.openForWrite(Slot.A, img.length)) {
      w.write(ByteBuffer.wrap(img));
      w.commit(sha256(img));
    }

    assertThat(slots.capacity(Slot.A)).isEqualTo(CAPACITY);
    assertThatThrownBy(() -> slots.openForWrite(Slot.B, 1))
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.SLOT_ACTIVE);
  }
}
