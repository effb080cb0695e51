package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UBootEnvTest {
  private static final int SIZE = 0x400;

  @TempDir Path dir;

  private FwEnvConfig single() {
    return FwEnvConfig.single(dir.resolve("env.img"), 0x200, SIZE);
  }

  private FwEnvConfig redundant() {
    return FwEnvConfig.redundant(dir.resolve("env.img"), 0x200, 0x200 + SIZE, SIZE);
  }

  private static ReasonCode reasonOf(Throwable t) {
    return ((OtaException) t).reason();
  }

  @Test
  void create_single_readsBackSortedVariables() {
    UBootEnv env = UBootEnv.create(single(), Map.of("zeta", "1", "alpha", "two words"));

    Map<String, String> vars = env.read();

    assertThat(vars).containsExactly(Map.entry("alpha", "two words"), Map.entry("zeta", "1"));
  }

  @Test
  void update_severalVariables_oneWriteWithNextFlag() throws IOException {
    UBootEnv env = UBootEnv.create(redundant(), Map.of("a", "1", "b", "2", "c", "3"));
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    env.update(Map.of("a", "10", "d", "4"), Set.of("b", "missing"));

    byte[] after = Files.readAllBytes(dir.resolve("env.img"));
    assertThat(env.read())
        .containsExactly(Map.entry("a", "10"), Map.entry("c", "3"), Map.entry("d", "4"));
    assertThat(flags(after, 0x200)).isEqualTo(1);
    assertThat(flags(after, 0x200 + SIZE)).isEqualTo(2);
    assertThat(slice(after, 0x200, SIZE)).isEqualTo(slice(before, 0x200, SIZE));
  }

  @Test
  void update_redundant_alternatesCopies() throws IOException {
    UBootEnv env = UBootEnv.create(redundant(), Map.of("n", "0"));

    env.update(Map.of("n", "1"), Set.of());
    env.update(Map.of("n", "2"), Set.of());

    byte[] img = Files.readAllBytes(dir.resolve("env.img"));
    assertThat(flags(img, 0x200)).isEqualTo(3);
    assertThat(flags(img, 0x200 + SIZE)).isEqualTo(2);
    assertThat(env.get("n")).contains("2");
  }

  @Test
  void read_flagsWrappedFrom255To0_zeroCopyWins() throws IOException {
    writeRedundantCopy(0, 255, "v=old\0");
    writeRedundantCopy(1, 0, "v=new\0");

    Map<String, String> vars = UBootEnv.of(redundant()).read();

    assertThat(vars).containsEntry("v", "new");
  }

  @Test
  void read_flags255AndFirstCopy0_firstCopyWins() throws IOException {
    writeRedundantCopy(0, 0, "v=new\0");
    writeRedundantCopy(1, 255, "v=old\0");

    assertThat(UBootEnv.of(redundant()).read()).containsEntry("v", "new");
  }

  @Test
  void update_afterFlags255_writesFlag0ToOtherCopyAndItWins() throws IOException {
    writeRedundantCopy(0, 255, "v=old\0");
    writeRedundantCopy(1, 254, "v=older\0");
    UBootEnv env = UBootEnv.of(redundant());

    env.update(Map.of("v", "next"), Set.of());

    byte[] img = Files.readAllBytes(dir.resolve("env.img"));
    assertThat(flags(img, 0x200 + SIZE)).isZero();
    assertThat(env.read()).containsEntry("v", "next");
  }

  @Test
  void read_equalFlags_firstCopyWins() throws IOException {
    writeRedundantCopy(0, 7, "v=first\0");
    writeRedundantCopy(1, 7, "v=second\0");

    assertThat(UBootEnv.of(redundant()).read()).containsEntry("v", "first");
  }

  @Test
  void read_newerCopyCorrupt_olderValidCopyUsed() throws IOException {
    writeRedundantCopy(0, 4, "v=valid\0");
    writeRedundantCopy(1, 5, "v=broken\0");
    corrupt(0x200 + SIZE + 10);

    assertThat(UBootEnv.of(redundant()).read()).containsEntry("v", "valid");
  }

  @Test
  void update_oneCopyCorrupt_writesOverTheCorruptCopy() throws IOException {
    writeRedundantCopy(0, 4, "v=valid\0");
    writeRedundantCopy(1, 9, "v=broken\0");
    corrupt(0x200 + SIZE + 10);
    UBootEnv env = UBootEnv.of(redundant());

    env.update(Map.of("v", "fixed"), Set.of());

    byte[] img = Files.readAllBytes(dir.resolve("env.img"));
    assertThat(flags(img, 0x200 + SIZE)).isEqualTo(5);
    assertThat(env.read()).containsEntry("v", "fixed");
  }

  @Test
  void read_bothCopiesCorrupt_unreadable() throws IOException {
    UBootEnv env = UBootEnv.create(redundant(), Map.of("a", "1"));
    corrupt(0x200 + 20);
    corrupt(0x200 + SIZE + 20);

    assertThatThrownBy(env::read)
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("boot environment unreadable")
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_UNREADABLE);
  }

  @Test
  void update_bothCopiesCorrupt_failsAndWritesNothing() throws IOException {
    UBootEnv env = UBootEnv.create(redundant(), Map.of("a", "1"));
    corrupt(0x200 + 20);
    corrupt(0x200 + SIZE + 20);
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    assertThatThrownBy(() -> env.update(Map.of("a", "2"), Set.of()))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_UNREADABLE);
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(before);
  }

  @Test
  void update_wrongConfiguredSize_unreadableAndNothingWritten() throws IOException {
    UBootEnv.create(single(), Map.of("a", "1"));
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));
    UBootEnv wrong = UBootEnv.of(FwEnvConfig.single(dir.resolve("env.img"), 0x200, SIZE / 2));

    assertThatThrownBy(() -> wrong.update(Map.of("a", "2"), Set.of()))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_UNREADABLE);
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(before);
  }

  @Test
  void read_crcStoredBigEndian_unreadable() throws IOException {
    byte[] copy = new byte[SIZE];
    byte[] data = "a=1\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(data, 0, copy, 4, data.length);
    CRC32 crc = new CRC32();
    crc.update(copy, 4, SIZE - 4);
    long v = crc.getValue();
    copy[0] = (byte) (v >>> 24);
    copy[1] = (byte) (v >>> 16);
    copy[2] = (byte) (v >>> 8);
    copy[3] = (byte) v;
    Files.write(dir.resolve("env.img"), pad(copy, 0x200));

    assertThatThrownBy(() -> UBootEnv.of(single()).read())
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_UNREADABLE);
  }

  @Test
  void read_fileShorterThanEnv_unreadable() throws IOException {
    Files.write(dir.resolve("env.img"), new byte[0x200 + 16]);

    assertThatThrownBy(() -> UBootEnv.of(single()).read())
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_UNREADABLE);
  }

  @Test
  void read_missingDevice_ioError() {
    assertThatThrownBy(() -> UBootEnv.of(single()).read())
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.IO_ERROR);
  }

  @Test
  void update_environmentWouldOverflow_fullAndNothingWritten() throws IOException {
    UBootEnv env = UBootEnv.create(redundant(), Map.of("a", "1"));
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    assertThatThrownBy(() -> env.update(Map.of("big", "x".repeat(SIZE)), Set.of()))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("nothing was written")
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_FULL);
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(before);
  }

  @Test
  void update_exactlyFullDataArea_accepted() {
    UBootEnv env = UBootEnv.create(single(), Map.of());
    // data area = SIZE - 4; "k=" + value + NUL + final NUL must fill it exactly
    String value = "v".repeat(SIZE - 4 - 4);

    env.update(Map.of("k", value), Set.of());

    assertThat(env.get("k")).contains(value);
  }

  @Test
  void update_nameWithEquals_refusedAndNothingWritten() throws IOException {
    UBootEnv env = UBootEnv.create(single(), Map.of("a", "1"));
    byte[] before = Files.readAllBytes(dir.resolve("env.img"));

    assertThatThrownBy(() -> env.update(Map.of("a=b", "1"), Set.of()))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_NAME_INVALID);
    assertThat(Files.readAllBytes(dir.resolve("env.img"))).isEqualTo(before);
  }

  @Test
  void update_nameWithControlCharacter_refused() {
    UBootEnv env = UBootEnv.create(single(), Map.of("a", "1"));

    for (String name : List.of("a\nb", "tab\there", "nul\0", "del\u007f", "")) {
      assertThatThrownBy(() -> env.update(Map.of(name, "1"), Set.of()))
          .as("name %s", name)
          .extracting(UBootEnvTest::reasonOf)
          .isEqualTo(ReasonCode.BOOT_ENV_NAME_INVALID);
    }
  }

  @Test
  void update_unsetWithInvalidName_refused() {
    UBootEnv env = UBootEnv.create(single(), Map.of("a", "1"));

    assertThatThrownBy(() -> env.update(Map.of(), Set.of("x=y")))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_NAME_INVALID);
  }

  @Test
  void update_valueWithNul_refused() {
    UBootEnv env = UBootEnv.create(single(), Map.of("a", "1"));

    assertThatThrownBy(() -> env.update(Map.of("a", "x\0y"), Set.of()))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.INVALID_ARGUMENT);
  }

  @Test
  void update_untouchedVariableWithNonUtf8Bytes_keptByteForByte() throws IOException {
    writeSingleCopy(new byte[] {'r', 'a', 'w', '=', (byte) 0xff, (byte) 0xc3, 0, 0});
    UBootEnv env = UBootEnv.of(single());

    env.update(Map.of("other", "1"), Set.of());

    byte[] img = Files.readAllBytes(dir.resolve("env.img"));
    byte[] expected = {
      'o', 't', 'h', 'e', 'r', '=', '1', 0, 'r', 'a', 'w', '=', (byte) 0xff, (byte) 0xc3, 0, 0
    };
    assertThat(slice(img, 0x200 + 4, expected.length)).isEqualTo(expected);
  }

  @Test
  void update_valuesWithShellCharacters_roundTrip() {
    UBootEnv env = UBootEnv.create(single(), Map.of());
    Map<String, String> set = new LinkedHashMap<>();
    set.put("script", "if test \"${a}\" = 'x y'; then echo $b \\ ; fi");
    set.put("utf8", "grüße ✓");
    set.put("eq", "a=b=c");
    set.put("empty", "");

    env.update(set, Set.of());

    assertThat(env.read()).containsAllEntriesOf(set);
  }

  /**
   * Both copies configured through two names of the same file (a symbolic link) land on the same
   * bytes: the write then cannot become the newer copy, and the read-back must say so rather than
   * report success.
   */
  @Test
  void update_copiesAliasTheSameBytes_readBackFailsTheWrite() throws IOException {
    Path img = dir.resolve("env.img");
    Path alias = Files.createSymbolicLink(dir.resolve("alias.img"), img);
    FwEnvConfig config =
        new FwEnvConfig(
            List.of(
                new FwEnvConfig.Location(img, 0x200, SIZE, SIZE),
                new FwEnvConfig.Location(alias, 0x200, SIZE, SIZE)));
    UBootEnv env = UBootEnv.create(config, Map.of("a", "1"));

    assertThatThrownBy(() -> env.update(Map.of("a", "2"), Set.of()))
        .isInstanceOf(OtaException.class)
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_WRITE_FAILED);
  }

  /** The second copy lives on a device that refuses writes ({@code /dev/full}: ENOSPC). */
  @Test
  void update_targetDeviceFailsWrites_writeFailedAndOldEnvironmentKept() {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
    Path img = dir.resolve("env.img");
    UBootEnv.create(FwEnvConfig.redundant(img, 0x200, 0x200 + SIZE, SIZE), Map.of("a", "1"));
    UBootEnv env =
        UBootEnv.of(
            new FwEnvConfig(
                List.of(
                    new FwEnvConfig.Location(img, 0x200, SIZE, SIZE),
                    new FwEnvConfig.Location(full, 0, SIZE, SIZE))));

    assertThatThrownBy(() -> env.update(Map.of("a", "2"), Set.of()))
        .extracting(UBootEnvTest::reasonOf)
        .isEqualTo(ReasonCode.BOOT_ENV_WRITE_FAILED);
    assertThat(env.read()).containsEntry("a", "1");
  }

  // helpers

  private void writeRedundantCopy(int index, int flags, String data) throws IOException {
    Path img = dir.resolve("env.img");
    byte[] all = Files.exists(img) ? Files.readAllBytes(img) : new byte[0x200 + 2 * SIZE];
    byte[] copy = new byte[SIZE];
    byte[] d = (data + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(d, 0, copy, 5, d.length);
    copy[4] = (byte) flags;
    stampCrc(copy, 5);
    System.arraycopy(copy, 0, all, 0x200 + index * SIZE, SIZE);
    Files.write(img, all);
  }

  private void writeSingleCopy(byte[] data) throws IOException {
    byte[] copy = new byte[SIZE];
    System.arraycopy(data, 0, copy, 4, data.length);
    stampCrc(copy, 4);
    Files.write(dir.resolve("env.img"), pad(copy, 0x200));
  }

  private static void stampCrc(byte[] copy, int header) {
    CRC32 crc = new CRC32();
    crc.update(copy, header, copy.length - header);
    long v = crc.getValue();
    copy[0] = (byte) v;
    copy[1] = (byte) (v >>> 8);
    copy[2] = (byte) (v >>> 16);
    copy[3] = (byte) (v >>> 24);
  }

  private static byte[] pad(byte[] copy, int offset) {
    byte[] all = new byte[offset + copy.length];
    System.arraycopy(copy, 0, all, offset, copy.length);
    return all;
  }

  private void corrupt(int at) throws IOException {
    Path img = dir.resolve("env.img");
    byte[] all = Files.readAllBytes(img);
    all[at] ^= 0x5a;
    Files.write(img, all);
  }

  private static int flags(byte[] img, int copyOffset) {
    return img[copyOffset + 4] & 0xff;
  }

  private static byte[] slice(byte[] img, int offset, int length) {
    return java.util.Arrays.copyOfRange(img, offset, offset + length);
  }

  /**
   * Regression: a redundant fw_env.config whose second line named the first copy through a symbolic
   * link was accepted. An update then rewrote the only copy in place (a power cut there leaves no
   * environment) and afterwards failed with BOOT_ENV_WRITE_FAILED although it had already written.
   */
  @Test
  void of_redundantCopiesAliasedThroughSymlink_rejectedBeforeAnyWrite() throws IOException {
    Path image = dir.resolve("env.img");
    UBootEnv.create(FwEnvConfig.redundant(image, 0, SIZE, SIZE), Map.of("boot_partition", "A"));
    byte[] before = Files.readAllBytes(image);
    Path link = Files.createSymbolicLink(dir.resolve("alias.img"), image);
    FwEnvConfig aliased =
        new FwEnvConfig(
            List.of(
                new FwEnvConfig.Location(image, 0, SIZE, SIZE),
                new FwEnvConfig.Location(link, 0, SIZE, SIZE)));

    assertThatThrownBy(() -> UBootEnv.of(aliased).update(Map.of("boot_partition", "B"), Set.of()))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("alias.img")
        .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.BOOT_ENV_CONFIG_INVALID));

    assertThat(Files.readAllBytes(image)).isEqualTo(before);
  }
}
