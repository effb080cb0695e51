package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.ComponentInstaller.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationInstallerTest {
  @TempDir Path tmp;

  private Path root;
  private Path outside;
  private ApplicationInstaller installer;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("box/apps"));
    outside = tmp.resolve("box");
    installer = ApplicationInstaller.builder(root).build();
  }

  @Test
  void install_validArchive_switchesCurrentToUnpackedRelease() throws IOException {
    Path payload =
        new TarBuilder()
            .dir("bin/")
            .file("bin/run", "#!/bin/sh\n".getBytes(), 0755)
            .file("./etc/app.conf", "x=1")
            .symlink("bin/conf", "../etc/app.conf")
            .hardlink("etc/copy.conf", "etc/app.conf")
            .writeTo(tmp.resolve("app.tar.gz"));

    installer.install(component(payload), payload, context("u1"));

    Path current = installer.currentLink("web");
    assertThat(Files.isSymbolicLink(current)).isTrue();
    assertThat(current.resolve("etc/app.conf")).hasContent("x=1");
    assertThat(current.resolve("bin/conf")).hasContent("x=1");
    assertThat(current.resolve("etc/copy.conf")).hasContent("x=1");
    assertThat(Files.getPosixFilePermissions(current.resolve("bin/run")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
  }

  @Test
  void rollback_afterSecondInstall_restoresFirstAndIsIdempotent() throws IOException {
    installVersion("one", "u1");
    installVersion("two", "u2");
    Component c = component(tmp.resolve("two.tar.gz"));

    installer.rollback(c, context("u2"));
    installer.rollback(c, context("u2"));

    assertThat(installer.currentLink("web").resolve("version")).hasContent("one");
  }

  @Test
  void rollback_firstInstall_removesCurrent() throws IOException {
    installVersion("one", "u1");

    installer.rollback(component(tmp.resolve("one.tar.gz")), context("u1"));

    assertThat(installer.currentLink("web")).doesNotExist();
  }

  @Test
  void rollback_installNeverStarted_isNoOp() throws IOException {
    installVersion("one", "u1");

    installer.rollback(component(tmp.resolve("one.tar.gz")), context("u-other"));

    assertThat(installer.currentLink("web").resolve("version")).hasContent("one");
  }

  @Test
  void install_absoluteName_isRefused() throws IOException {
    assertRefused(new TarBuilder().file("/tmp/evil", "x"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_dotDotName_isRefused() throws IOException {
    assertRefused(new TarBuilder().file("../evil", "x"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_nestedDotDotName_isRefused() throws IOException {
    assertRefused(new TarBuilder().file("a/../../../evil", "x"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_symlinkToAbsolutePath_isRefused() throws IOException {
    assertRefused(new TarBuilder().symlink("etc", "/etc"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_symlinkLeavingStaging_isRefused() throws IOException {
    assertRefused(new TarBuilder().symlink("up", "../../../.."), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_symlinkThenFileWrittenThroughIt_isRefusedAndNothingWrittenOutside()
      throws IOException {
    assertRefused(
        new TarBuilder().symlink("out", "../../../..").file("out/evil", "x"),
        ReasonCode.ARCHIVE_HOSTILE);

    try (Stream<Path> s = Files.walk(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("evil"))).isEmpty();
    }
  }

  @Test
  void install_fileWrittenThroughInsideSymlink_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().dir("d/").symlink("l", "d").file("l/x", "x"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_symlinkChainThroughUpwardLink_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().dir("a/b/").symlink("a/b/up", "../..").symlink("z", "a/b/up/.."),
        ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_symlinkThroughMissingDirectory_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().symlink("a", "b/..").symlink("b", "."), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_hardlinkToOutsideFile_isRefused() throws IOException {
    Files.writeString(outside.resolve("secret"), "s");

    assertRefused(new TarBuilder().hardlink("h", "../../secret"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_hardlinkToAbsolutePath_isRefused() throws IOException {
    assertRefused(new TarBuilder().hardlink("h", "/etc/hostname"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_hardlinkThenFileWrittenThroughIt_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().file("a", "orig").hardlink("h", "a").file("h", "overwrite"),
        ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_hardlinkToSymlink_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().file("a", "orig").symlink("s", "a").hardlink("h", "s"),
        ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_characterDevice_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().special("dev/null", TarConstants.LF_CHR), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_blockDevice_isRefused() throws IOException {
    assertRefused(new TarBuilder().special("sda", TarConstants.LF_BLK), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_fifo_isRefused() throws IOException {
    assertRefused(
        new TarBuilder().special("pipe", TarConstants.LF_FIFO), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_duplicateFileEntry_isRefused() throws IOException {
    assertRefused(new TarBuilder().file("a", "1").file("a", "2"), ReasonCode.ARCHIVE_HOSTILE);
  }

  @Test
  void install_moreEntriesThanBudget_isRefused() throws IOException {
    installer = ApplicationInstaller.builder(root).maxEntries(10).build();
    TarBuilder b = new TarBuilder();
    for (int i = 0; i < 11; i++) {
      b.file("f" + i, "x");
    }

    assertRefused(b, ReasonCode.ARCHIVE_TOO_LARGE);
  }

  @Test
  void install_moreBytesThanBudgetFromManifestSize_isRefused() throws IOException {
    byte[] zeros = new byte[4 << 20];

    assertRefused(new TarBuilder().file("bomb", zeros, 0644), ReasonCode.ARCHIVE_TOO_LARGE);
  }

  @Test
  void install_truncatedArchive_isRefused() throws IOException {
    installVersion("one", "u0");
    byte[] noise = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(noise);
    byte[] full = new TarBuilder().file("big", noise, 0644).file("z", "z").build();
    Path payload = tmp.resolve("cut.tar.gz");
    Files.write(payload, Arrays.copyOf(full, full.length / 2));

    assertThatThrownBy(() -> installer.install(component(payload), payload, context("u1")))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ARCHIVE_TRUNCATED);
    assertThat(installer.currentLink("web").resolve("version")).hasContent("one");
  }

  @Test
  void install_notGzip_isRefusedAsTruncated() throws IOException {
    Path payload = Files.writeString(tmp.resolve("plain.tar.gz"), "this is not an archive");

    assertThatThrownBy(() -> installer.install(component(payload), payload, context("u1")))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.ARCHIVE_TRUNCATED);
  }

  private void installVersion(String v, String updateId) throws IOException {
    Path payload = new TarBuilder().file("version", v).writeTo(tmp.resolve(v + ".tar.gz"));
    installer.install(component(payload), payload, context(updateId));
  }

  /** Installs a good release, then the hostile one, and checks nothing changed. */
  private void assertRefused(TarBuilder hostile, ReasonCode expected) throws IOException {
    installVersion("one", "u0");
    Path payload = hostile.writeTo(tmp.resolve("hostile.tar.gz"));
    Component c = component(payload);

    assertThatThrownBy(() -> installer.install(c, payload, context("u1")))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(expected);

    assertThat(installer.currentLink("web").resolve("version")).hasContent("one");
    try (Stream<Path> s = Files.list(root.resolve("web/releases"))) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      assertThat(names).noneMatch(n -> n.startsWith(".staging-")).hasSize(1);
    }
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals("apps") || n.equals("secret"));
    }
  }

  private static Component component(Path payload) throws IOException {
    return new Component(
        "web",
        Component.TYPE_APPLICATION,
        payload.getFileName().toString(),
        Files.size(payload),
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        1,
        false,
        List.of());
  }

  private Context context(String updateId) {
    return new Context(Slot.B, tmp.resolve("work").resolve(updateId));
  }
}
