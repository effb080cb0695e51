package org.edgeota.samples.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds the payloads of one release of the demo's device, a sensor gateway: an ext4 root
 * filesystem image made by {@code mke2fs -d} from a generated tree, an application archive and a
 * configuration document.
 *
 * <p>Images are reproducible: fixed UUID, hash seed and timestamps, so two releases differ only
 * where their trees differ and the bsdiff delta between them stays small.
 */
final class DemoImages {
  /** Size of a root filesystem image and of each slot. */
  static final long IMAGE_SIZE = 4L * 1024 * 1024;

  /** Marker at the start of a raw (non-ext4) fallback image. */
  static final String RAW_MAGIC = "EDGEOTA-RAW-ROOTFS\n";

  private static final String UUID = "6f1a7c2e-5d1b-4c7e-9a43-0d2b8e51c001";
  private static final String HASH_SEED = "6f1a7c2e-5d1b-4c7e-9a43-0d2b8e51c002";
  private static final long FIXED_TIME = 1_764_547_200L;

  private final Path mke2fs;

  /**
   * @param mke2fs the {@code mke2fs} binary, or {@code null} to build raw fallback images
   */
  DemoImages(Path mke2fs) {
    this.mke2fs = mke2fs;
  }

  /** Returns whether images are real ext4 file systems. */
  boolean ext4() {
    return mke2fs != null;
  }

  /** The files of one built release. */
  record Payloads(Path rootfs, Path app, Path config) {}

  /**
   * Builds the three payloads of a release into {@code outDir}.
   *
   * @param version the release's version
   * @param healthy whether the application passes its self-test
   */
  Payloads build(String version, boolean healthy, Path outDir, Path scratch) throws IOException {
    Files.createDirectories(outDir);
    Path tree = scratch.resolve("rootfs-" + version);
    writeTree(tree, version, healthy);
    Path rootfs = outDir.resolve("rootfs-" + version + ".img");
    if (mke2fs != null) {
      Tools.runOrFail(
          Map.of("E2FSPROGS_FAKE_TIME", Long.toString(FIXED_TIME)),
          List.of(
              mke2fs.toString(),
              "-q",
              "-F",
              "-t",
              "ext4",
              "-d",
              tree.toString(),
              "-U",
              UUID,
              "-E",
              "hash_seed=" + HASH_SEED,
              "-L",
              "rootfs",
              "-b",
              "1024",
              rootfs.toString(),
              Long.toString(IMAGE_SIZE / 1024)));
      fixInodeTimes(rootfs, tree, scratch);
    } else {
      writeRawImage(rootfs, version);
    }
    Path app = outDir.resolve("edge-app-" + version + ".tar.gz");
    writeAppArchive(app, version, healthy);
    Path config = outDir.resolve("edge-config-" + version + ".json");
    Files.writeString(config, configJson(version), StandardCharsets.UTF_8);
    return new Payloads(rootfs, app, config);
  }

  /** The text of {@code /etc/os-release} of a version. */
  static String osRelease(String version) {
    return "NAME=\"Edge OTA Demo Linux\"\n"
        + "ID=edgeota-demo\n"
        + "VERSION=\""
        + version
        + "\"\n"
        + "VERSION_ID="
        + version
        + "\n"
        + "PRETTY_NAME=\"Edge OTA Demo Linux "
        + version
        + "\"\n";
  }

  /** Reads {@code VERSION_ID} from the text of an os-release file. */
  static String versionIdOf(String osRelease) {
    for (String line : osRelease.split("\n")) {
      if (line.startsWith("VERSION_ID=")) {
        return line.substring("VERSION_ID=".length()).replace("\"", "").strip();
      }
    }
    return null;
  }

  /** The application's launcher script: a self-test that passes unless the release is broken. */
  static String appScript(String version, boolean healthy) {
    String selfTest =
        healthy
            ? "  echo \"edge-app " + version + ": sensors ok\"\n  exit 0\n"
            : "  echo \"edge-app "
                + version
                + ": sensor bus i2c-1 not responding\" >&2\n"
                + "  exit 1\n";
    return "#!/bin/sh\n"
        + "# edge-app "
        + version
        + ": reads the gateway's sensors and publishes telemetry.\n"
        + "if [ \"$1\" = \"--self-test\" ]; then\n"
        + selfTest
        + "fi\n"
        + "echo \"edge-app "
        + version
        + " running\"\n";
  }

  private static String configJson(String version) {
    return "{\n"
        + "  \"release\": \""
        + version
        + "\",\n"
        + "  \"telemetry\": {\"intervalSeconds\": 30, \"topic\": \"gateway/telemetry\"},\n"
        + "  \"logLevel\": \"info\"\n"
        + "}\n";
  }

  private static void writeTree(Path tree, String version, boolean healthy) throws IOException {
    Files.createDirectories(tree.resolve("etc"));
    Files.createDirectories(tree.resolve("opt/edge-app/bin"));
    Files.createDirectories(tree.resolve("usr/lib"));
    Files.createDirectories(tree.resolve("var/lib/edge-app"));
    Files.writeString(tree.resolve("etc/os-release"), osRelease(version));
    Files.writeString(tree.resolve("etc/hostname"), "edge-gateway\n");
    Path script = tree.resolve("opt/edge-app/bin/edge-app");
    Files.writeString(script, appScript(version, healthy));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    // A library that is the same in every release (the bulk of a real root file system), so the
    // delta between releases is small; seeded, so every build yields the same bytes.
    byte[] lib = new byte[1_536 * 1024];
    new Random(42).nextBytes(lib);
    Files.write(tree.resolve("usr/lib/libsensor.so.1"), lib);
    try (Stream<Path> all = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(FIXED_TIME)));
      }
    }
  }

  /**
   * Sets the access and change times of every inode copied from {@code tree} to the fixed time.
   * {@code mke2fs -d} copies them from the source files, where the change time cannot be set and
   * the access time is the moment the file was written, so two builds a second apart differed.
   * Without {@code debugfs} next to {@code mke2fs} the images keep those times.
   */
  private void fixInodeTimes(Path image, Path tree, Path scratch) throws IOException {
    Path debugfs = mke2fs.resolveSibling("debugfs");
    if (!Files.isExecutable(debugfs)) {
      return;
    }
    StringBuilder script = new StringBuilder();
    try (Stream<Path> all = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String inImage = "/" + tree.relativize(p).toString().replace('\\', '/');
        script.append(setTimes(inImage));
      }
    }
    script.append(setTimes("/lost+found"));
    Path file = scratch.resolve("fix-times.debugfs");
    Files.writeString(file, script.toString(), StandardCharsets.UTF_8);
    Tools.runOrFail(
        Map.of("E2FSPROGS_FAKE_TIME", Long.toString(FIXED_TIME)),
        List.of(debugfs.toString(), "-w", "-f", file.toString(), image.toString()));
  }

  private static String setTimes(String path) {
    return "sif "
        + path
        + " atime @"
        + FIXED_TIME
        + "\nsif "
        + path
        + " ctime @"
        + FIXED_TIME
        + "\n";
  }

  private static void writeRawImage(Path image, String version) throws IOException {
    byte[] img = new byte[(int) IMAGE_SIZE];
    byte[] head = (RAW_MAGIC + osRelease(version)).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, img, 0, head.length);
    Files.write(image, img);
  }

  /** Reads the os-release text back out of a raw fallback image. */
  static String osReleaseOfRaw(byte[] imageStart) {
    String s = new String(imageStart, StandardCharsets.UTF_8);
    if (!s.startsWith(RAW_MAGIC)) {
      return null;
    }
    int end = s.indexOf('\0');
    return s.substring(RAW_MAGIC.length(), end < 0 ? s.length() : end);
  }

  private static void writeAppArchive(Path target, String version, boolean healthy)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(target);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      addDir(tar, "bin/");
      addFile(tar, "bin/edge-app", appScript(version, healthy), 0755);
      addFile(tar, "VERSION", version + "\n", 0644);
      tar.finish();
    }
  }

  private static void addDir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(FIXED_TIME * 1000);
    e.setMode(040755);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void addFile(TarArchiveOutputStream tar, String name, String text, int mode)
      throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(0100000 | mode);
    e.setModTime(FIXED_TIME * 1000);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
