package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with the real libubootenv tools ({@code fw_printenv -c}, {@code fw_setenv -c}) and
 * U-Boot's {@code mkenvimage}: what they write is read here, what is written here reads there.
 */
class FwToolsInteropTest {
  private static final int SIZE = 0x1000;
  private static final int OFFSET = 0x400;

  @TempDir Path dir;
  private Path image;
  private Path cfg;

  @BeforeEach
  void tools() {
    ExternalTools.requireTool("fw_printenv");
    ExternalTools.requireTool("fw_setenv");
    ExternalTools.requireTool("mkenvimage");
    image = dir.resolve("env.img").toAbsolutePath();
    cfg = dir.resolve("fw_env.config");
  }

  private FwEnvConfig config(boolean redundant) throws IOException {
    String text =
        redundant
            ? String.format(
                "%s 0x%x 0x%x 0x%x%n%s 0x%x 0x%x 0x%x%n",
                image, OFFSET, SIZE, SIZE, image, OFFSET + SIZE, SIZE, SIZE)
            : String.format("%s 0x%x 0x%x 0x%x%n", image, OFFSET, SIZE, SIZE);
    Files.writeString(cfg, text);
    return FwEnvConfig.parse(cfg);
  }

  private Map<String, String> fwPrintenv() {
    String out = ExternalTools.runOk(List.of("fw_printenv", "-c", cfg.toString())).stdout();
    Map<String, String> vars = new TreeMap<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        String[] kv = line.split("=", 2);
        vars.put(kv[0], kv[1]);
      }
    }
    return vars;
  }

  private void fwSetenv(String name, String value) {
    List<String> cmd = new ArrayList<>(List.of("fw_setenv", "-c", cfg.toString(), name));
    if (value != null) {
      cmd.add(value);
    }
    ExternalTools.runOk(cmd);
  }

  private byte[] mkenvimage(boolean redundant, String text) throws IOException {
    Path txt = dir.resolve("env.txt");
    Path bin = dir.resolve("env.bin");
    Files.writeString(txt, text);
    List<String> cmd = new ArrayList<>(List.of("mkenvimage", "-s", Integer.toString(SIZE)));
    if (redundant) {
      cmd.add("-r");
    }
    cmd.addAll(List.of("-o", bin.toString(), txt.toString()));
    ExternalTools.runOk(cmd);
    return Files.readAllBytes(bin);
  }

  @ParameterizedTest(name = "redundant={0}")
  @ValueSource(booleans = {false, true})
  void read_imageFromMkenvimage_sameVariables(boolean redundant) throws IOException {
    FwEnvConfig config = config(redundant);
    byte[] copy = mkenvimage(redundant, "bootcmd=run a; run b\nboot_partition=A\nx=1=2\n");
    byte[] img = new byte[OFFSET + 2 * SIZE];
    System.arraycopy(copy, 0, img, OFFSET, SIZE);
    Files.write(image, img);

    Map<String, String> vars = UBootEnv.of(config).read();

    assertThat(vars)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("bootcmd", "run a; run b", "boot_partition", "A", "x", "1=2"));
  }

  @ParameterizedTest(name = "redundant={0}")
  @ValueSource(booleans = {false, true})
  void create_readByFwPrintenv_sameVariablesAndOrder(boolean redundant) throws IOException {
    FwEnvConfig config = config(redundant);
    Map<String, String> vars = BootScheme.defaultEnvironment(3);

    UBootEnv.create(config, vars);

    String out = ExternalTools.runOk(List.of("fw_printenv", "-c", cfg.toString())).stdout();
    String expected =
        new TreeMap<>(vars)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n")
                .collect(Collectors.joining());
    assertThat(out).isEqualTo(expected);
  }

  @ParameterizedTest(name = "redundant={0}")
  @ValueSource(booleans = {false, true})
  void update_writtenByFwSetenv_readHereAndBack(boolean redundant) throws IOException {
    FwEnvConfig config = config(redundant);
    UBootEnv env = UBootEnv.create(config, Map.of("keep", "me", "drop", "x"));
    fwSetenv("fromtool", "value with spaces");
    fwSetenv("drop", null);

    env.update(Map.of("fromjava", "1"), Set.of());

    assertThat(env.read())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("keep", "me", "fromtool", "value with spaces", "fromjava", "1"));
    assertThat(fwPrintenv()).isEqualTo(new TreeMap<>(env.read()));
  }

  /**
   * 300 writes alternating between this code and {@code fw_setenv} on one environment (in the
   * redundant case the flags byte wraps past 255 on the way); after every write both readers must
   * see exactly the expected variables.
   */
  @ParameterizedTest(name = "redundant={0}")
  @ValueSource(booleans = {false, true})
  void update_300WritesAlternatingWithFwSetenv_bothReadersAgreeEveryTime(boolean redundant)
      throws IOException {
    FwEnvConfig config = config(redundant);
    Map<String, String> model = new TreeMap<>(Map.of("boot_partition", "A", "bootcount", "0"));
    UBootEnv env = UBootEnv.create(config, model);
    Random random = new Random(6);

    for (int i = 0; i < 300; i++) {
      String name = "var" + random.nextInt(12);
      boolean delete = model.containsKey(name) && random.nextInt(4) == 0;
      String value = "v" + i + (random.nextBoolean() ? " with = and ;" : "");
      if (i % 2 == 0) {
        env.update(
            delete
                ? Map.of("bootcount", Integer.toString(i))
                : Map.of(name, value, "bootcount", Integer.toString(i)),
            delete ? Set.of(name) : Set.of());
        model.put("bootcount", Integer.toString(i));
      } else {
        fwSetenv(name, delete ? null : value);
      }
      if (delete) {
        model.remove(name);
      } else {
        model.put(name, value);
      }

      assertThat(new TreeMap<>(env.read())).as("read here after write %d", i).isEqualTo(model);
      assertThat(fwPrintenv()).as("fw_printenv after write %d", i).isEqualTo(model);
    }
    if (redundant) {
      byte[] img = Files.readAllBytes(image);
      int f1 = img[OFFSET + 4] & 0xff;
      int f2 = img[OFFSET + SIZE + 4] & 0xff;
      assertThat(Set.of(f1, f2)).as("flags after 300 writes from 1/0").contains((1 + 300) % 256);
    }
  }

  @Test
  void fwSetenvScript_severalVariablesInOneWrite_readHere() throws IOException {
    FwEnvConfig config = config(true);
    UBootEnv env = UBootEnv.create(config, Map.of("a", "1"));
    Path script = dir.resolve("script.txt");
    Files.writeString(
        script, "boot_partition=B\nupgrade_available=1\nbootcount=0\n", StandardCharsets.UTF_8);

    ExternalTools.runOk(List.of("fw_setenv", "-c", cfg.toString(), "-s", script.toString()));

    assertThat(BootScheme.of(env).inTrial()).isTrue();
    assertThat(env.read()).containsEntry("boot_partition", "B").containsEntry("a", "1");
  }

  @Test
  void bothCopiesCorrupt_neitherToolNorThisCodeReadsIt() throws IOException {
    FwEnvConfig config = config(true);
    UBootEnv env = UBootEnv.create(config, Map.of("a", "1"));
    byte[] img = Files.readAllBytes(image);
    img[OFFSET + 9] ^= 1;
    img[OFFSET + SIZE + 9] ^= 1;
    Files.write(image, img);

    ExternalTools.Result tool = ExternalTools.run(List.of("fw_printenv", "-c", cfg.toString()));

    assertThat(tool.stdout()).doesNotContain("a=1");
    org.assertj.core.api.Assertions.assertThatThrownBy(env::read)
        .hasMessageContaining("unreadable");
  }
}
