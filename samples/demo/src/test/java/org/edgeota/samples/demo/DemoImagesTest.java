package org.edgeota.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoImagesTest {
  @TempDir Path tmp;

  @Test
  void build_withMke2fs_makesACleanExt4ImageWithTheVersionInOsRelease() throws Exception {
    Path mke2fs = requireTool("mke2fs");
    Path debugfs = requireTool("debugfs");
    Path e2fsck = requireTool("e2fsck");

    DemoImages.Payloads p = new DemoImages(mke2fs).build("2.0.0", true, tmp.resolve("out"), tmp);

    Tools.Run fsck = Tools.run(Map.of(), List.of(e2fsck.toString(), "-fn", p.rootfs().toString()));
    assertThat(fsck.ok()).as(fsck.output()).isTrue();
    Tools.Run cat =
        Tools.run(
            Map.of(),
            List.of(debugfs.toString(), "-R", "cat /etc/os-release", p.rootfs().toString()));
    assertThat(DemoImages.versionIdOf(cat.output())).isEqualTo("2.0.0");
    assertThat(Files.size(p.rootfs())).isEqualTo(DemoImages.IMAGE_SIZE);
  }

  /**
   * Failed in CI when the two builds fell into different seconds: mke2fs copies each source file's
   * access and change times into the image. The pause makes that happen every time.
   */
  @Test
  void build_sameVersionTwice_isByteForByteReproducible() throws Exception {
    Path mke2fs = requireTool("mke2fs");
    DemoImages images = new DemoImages(mke2fs);

    DemoImages.Payloads a = images.build("1.0.0", true, tmp.resolve("a"), tmp.resolve("sa"));
    Thread.sleep(1_100);
    DemoImages.Payloads b = images.build("1.0.0", true, tmp.resolve("b"), tmp.resolve("sb"));

    assertThat(Files.mismatch(a.rootfs(), b.rootfs())).isEqualTo(-1L);
    assertThat(Files.mismatch(a.app(), b.app())).isEqualTo(-1L);
  }

  @Test
  void build_withoutMke2fs_writesARawImageCarryingOsRelease() throws Exception {
    DemoImages.Payloads p = new DemoImages(null).build("1.0.0", true, tmp.resolve("raw"), tmp);

    byte[] head = firstBlock(p.rootfs());

    assertThat(DemoImages.versionIdOf(DemoImages.osReleaseOfRaw(head))).isEqualTo("1.0.0");
  }

  @Test
  void appScript_brokenRelease_failsItsSelfTest() throws Exception {
    Path script = tmp.resolve("edge-app");
    Files.writeString(script, DemoImages.appScript("2.1.0", false));

    Tools.Run r = Tools.run(Map.of(), List.of("/bin/sh", script.toString(), "--self-test"));

    assertThat(r.ok()).isFalse();
    assertThat(r.output()).contains("not responding");
  }

  private static Path requireTool(String name) {
    Optional<Path> p = Tools.find(name);
    if (p.isEmpty() && "1".equals(System.getenv("OTA_REQUIRE_INTEROP"))) {
      throw new AssertionError(name + " is required when OTA_REQUIRE_INTEROP=1");
    }
    Assumptions.assumeTrue(p.isPresent(), name + " is not installed; skipping");
    return p.get();
  }

  private static byte[] firstBlock(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return in.readNBytes(4096);
    }
  }
}
