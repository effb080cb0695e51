package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A power cut while a redundant environment is written: whatever prefix of the new copy reached the
 * device, a later read returns all the old variables or all the new ones, never a mix.
 */
class UBootEnvAtomicityProperties {
  private static final int SIZE = 0x400;

  @Property(seed = "6201", tries = 60)
  void tornWriteOfNewCopy_readsAllOldOrAllNew(
      @ForAll @IntRange(min = 0, max = SIZE) int bytesThatReachedTheDevice,
      @ForAll @IntRange(min = 0, max = 4) int priorWrites)
      throws IOException {
    Path img = Files.createTempFile("ota-torn", ".img");
    try {
      FwEnvConfig config = FwEnvConfig.redundant(img, 0, SIZE, SIZE);
      Map<String, String> old = Map.of("boot_partition", "A", "upgrade_available", "0");
      Map<String, String> neu =
          Map.of("boot_partition", "B", "upgrade_available", "1", "bootcount", "0");
      UBootEnv env = UBootEnv.create(config, old);
      for (int i = 0; i < priorWrites; i++) {
        env.update(old, Set.of());
      }
      byte[] before = Files.readAllBytes(img);
      env.update(neu, Set.of());
      byte[] after = Files.readAllBytes(img);

      byte[] torn = tear(before, after, bytesThatReachedTheDevice);
      Files.write(img, torn);
      Map<String, String> seen = env.read();

      boolean complete = Arrays.equals(torn, after);
      assertThat(seen).isIn(old, neu);
      assertThat(seen).isEqualTo(complete ? neu : old);
    } finally {
      Files.deleteIfExists(img);
    }
  }

  /** The image as it is when only the first {@code n} bytes of the changed copy were written. */
  private static byte[] tear(byte[] before, byte[] after, int n) {
    int first = 0;
    while (first < before.length && before[first] == after[first]) {
      first++;
    }
    int copyStart = first < SIZE ? 0 : SIZE;
    byte[] torn = Arrays.copyOf(before, before.length);
    System.arraycopy(after, copyStart, torn, copyStart, n);
    return torn;
  }
}
