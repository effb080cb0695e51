package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.ComponentInstaller.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigInstallerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void install_userChangedValue_keepsUserValueAndTakesVendorChanges() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"port\":80,\"log\":{\"level\":\"info\",\"dir\":\"/var/log\"}}", "u1");
    editLive(installer, "{\"port\":8080,\"log\":{\"level\":\"info\",\"dir\":\"/var/log\"}}");

    install(installer, "{\"port\":81,\"log\":{\"level\":\"warn\"},\"new\":true}", "u2");

    assertThat(live(installer))
        .isEqualTo(
            json("{\"port\":8080,\"log\":{\"level\":\"warn\",\"dir\":\"/var/log\"},\"new\":true}"));
  }

  @Test
  void install_vendorRemovesKey_keyDisappearsUnlessUserSetIt() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1,\"b\":2}", "u1");
    editLive(installer, "{\"a\":1,\"b\":3,\"mine\":\"x\"}");

    install(installer, "{\"a\":null,\"b\":null}", "u2");

    assertThat(live(installer)).isEqualTo(json("{\"b\":3,\"mine\":\"x\"}"));
  }

  @Test
  void install_userRemovedKey_staysRemoved() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1,\"b\":2}", "u1");
    editLive(installer, "{\"a\":1}");

    install(installer, "{\"c\":3}", "u2");

    assertThat(live(installer)).isEqualTo(json("{\"a\":1,\"c\":3}"));
  }

  @Test
  void install_firstTimeOverFactoryFile_appliesPatchAndWritesBackup() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    Files.createDirectories(tmp.resolve("etc"));
    Files.writeString(installer.liveFile("app"), "{\"a\":1}");

    install(installer, "{\"b\":2}", "u1");

    assertThat(live(installer)).isEqualTo(json("{\"a\":1,\"b\":2}"));
    assertThat(tmp.resolve("etc/app.json.bak")).hasContent("{\"a\":1}");
  }

  @Test
  void rollback_afterInstall_restoresLiveFileExactlyAndIsIdempotent() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1}", "u1");
    editLive(installer, "{\"a\":2}");
    String before = Files.readString(installer.liveFile("app"));
    install(installer, "{\"b\":1}", "u2");

    installer.rollback(component(), context("u2"));
    installer.rollback(component(), context("u2"));

    assertThat(installer.liveFile("app")).hasContent(before);
    install(installer, "{\"b\":1}", "u3");
    assertThat(live(installer)).isEqualTo(json("{\"a\":2,\"b\":1}"));
  }

  @Test
  void install_repeatedAfterPowerCut_givesSameResult() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1}", "u1");
    editLive(installer, "{\"a\":5}");

    install(installer, "{\"a\":2,\"b\":1}", "u2");
    install(installer, "{\"a\":2,\"b\":1}", "u2");

    assertThat(live(installer)).isEqualTo(json("{\"a\":5,\"b\":1}"));
  }

  @Test
  void install_invalidJson_isRefusedAndLiveFileUnchanged() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1}", "u1");
    String before = Files.readString(installer.liveFile("app"));

    assertThatThrownBy(() -> install(installer, "{\"a\":", "u2"))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.CONFIG_MERGE_FAILED);
    assertThat(installer.liveFile("app")).hasContent(before);
  }

  @Test
  void install_duplicateKeys_isRefused() {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));

    assertThatThrownBy(() -> install(installer, "{\"a\":1,\"a\":2}", "u1"))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.CONFIG_MERGE_FAILED);
  }

  @Test
  void install_arrayPayload_isRefused() {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));

    assertThatThrownBy(() -> install(installer, "[1,2]", "u1"))
        .isInstanceOf(OtaException.class)
        .hasMessageContaining("expected a JSON object")
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.CONFIG_MERGE_FAILED);
  }

  @Test
  void install_userBrokeLiveFile_isRefusedAndFileKept() throws IOException {
    ConfigInstaller installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
    install(installer, "{\"a\":1}", "u1");
    editLive(installer, "{broken");

    assertThatThrownBy(() -> install(installer, "{\"b\":1}", "u2"))
        .isInstanceOf(OtaException.class)
        .extracting(e -> ((OtaException) e).reason())
        .isEqualTo(ReasonCode.CONFIG_MERGE_FAILED);
    assertThat(installer.liveFile("app")).hasContent("{broken");
  }

  private void install(ConfigInstaller installer, String patch, String updateId)
      throws IOException {
    Path payload = Files.writeString(tmp.resolve("patch-" + updateId + ".json"), patch);
    installer.install(component(), payload, context(updateId));
  }

  private void editLive(ConfigInstaller installer, String content) throws IOException {
    Files.writeString(installer.liveFile("app"), content);
  }

  private JsonNode live(ConfigInstaller installer) throws IOException {
    return JSON.readTree(installer.liveFile("app").toFile());
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static Component component() {
    return new Component(
        "app", Component.TYPE_CONFIG, "app.json", 10, "00".repeat(32), 2, false, List.of());
  }

  private Context context(String updateId) {
    return new Context(Slot.B, tmp.resolve("work").resolve(updateId));
  }
}
