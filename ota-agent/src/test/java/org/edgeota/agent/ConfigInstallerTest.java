package org.edgeota.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.api.spi.ComponentInstaller.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigInstallerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private ConfigInstaller installer;

  @BeforeEach
  void createInstaller() {
    installer = ConfigInstaller.inDirectory(tmp.resolve("etc"));
  }

  @Test
  void install_userChangedValue_keepsUserValueAndTakesVendorChanges() throws IOException {
    install("{\"port\":80,\"log\":{\"level\":\"info\",\"dir\":\"/var/log\"}}", "u1");
    editLive("{\"port\":8080,\"log\":{\"level\":\"info\",\"dir\":\"/var/log\"}}");

    install("{\"port\":81,\"log\":{\"level\":\"warn\"},\"new\":true}", "u2");

    assertThat(live())
        .isEqualTo(
            json("{\"port\":8080,\"log\":{\"level\":\"warn\",\"dir\":\"/var/log\"},\"new\":true}"));
  }

  @Test
  void install_vendorRemovesKey_keyDisappearsUnlessUserSetIt() throws IOException {
    install("{\"a\":1,\"b\":2}", "u1");
    editLive("{\"a\":1,\"b\":3,\"mine\":\"x\"}");

    install("{\"a\":null,\"b\":null}", "u2");

    assertThat(live()).isEqualTo(json("{\"b\":3,\"mine\":\"x\"}"));
  }

  @Test
  void install_userRemovedKey_staysRemoved() throws IOException {
    install("{\"a\":1,\"b\":2}", "u1");
    editLive("{\"a\":1}");

    install("{\"c\":3}", "u2");

    assertThat(live()).isEqualTo(json("{\"a\":1,\"c\":3}"));
  }

  @Test
  void install_firstTimeOverFactoryFile_appliesPatchAndWritesBackup() throws IOException {
    Files.createDirectories(tmp.resolve("etc"));
    Files.writeString(installer.liveFile("app"), "{\"a\":1}");

    install("{\"b\":2}", "u1");

    assertThat(live()).isEqualTo(json("{\"a\":1,\"b\":2}"));
    assertThat(tmp.resolve("etc/app.json.bak")).hasContent("{\"a\":1}");
  }

  @Test
  void rollback_afterInstall_restoresLiveFileExactlyAndIsIdempotent() throws IOException {
    install("{\"a\":1}", "u1");
    editLive("{\"a\":2}");
    String before = Files.readString(installer.liveFile("app"));
    install("{\"b\":1}", "u2");

    installer.rollback(component(), context("u2"));
    installer.rollback(component(), context("u2"));

    assertThat(installer.liveFile("app")).hasContent(before);
    install("{\"b\":1}", "u3");
    assertThat(live()).isEqualTo(json("{\"a\":2,\"b\":1}"));
  }

  @Test
  void install_repeatedAfterPowerCut_givesSameResult() throws IOException {
    install("{\"a\":1}", "u1");
    editLive("{\"a\":5}");

    install("{\"a\":2,\"b\":1}", "u2");
    install("{\"a\":2,\"b\":1}", "u2");

    assertThat(live()).isEqualTo(json("{\"a\":5,\"b\":1}"));
  }

  @Test
  void install_invalidJson_isRefusedAndLiveFileUnchanged() throws IOException {
    install("{\"a\":1}", "u1");
    String before = Files.readString(installer.liveFile("app"));

    assertMergeRefused(() -> install("{\"a\":", "u2"));
    assertThat(installer.liveFile("app")).hasContent(before);
  }

  @Test
  void install_duplicateKeys_isRefused() {
    assertMergeRefused(() -> install("{\"a\":1,\"a\":2}", "u1"));
  }

  @Test
  void install_arrayPayload_isRefused() {
    assertMergeRefused(() -> install("[1,2]", "u1")).hasMessageContaining("expected a JSON object");
  }

  @Test
  void install_userBrokeLiveFile_isRefusedAndFileKept() throws IOException {
    install("{\"a\":1}", "u1");
    editLive("{broken");

    assertMergeRefused(() -> install("{\"b\":1}", "u2"));
    assertThat(installer.liveFile("app")).hasContent("{broken");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertMergeRefused(
      ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            OtaException.class,
            e -> assertThat(e.reason()).isEqualTo(ReasonCode.CONFIG_MERGE_FAILED));
  }

  private void install(String patch, String updateId) throws IOException {
    Path payload = Files.writeString(tmp.resolve("patch-" + updateId + ".json"), patch);
    installer.install(component(), payload, context(updateId));
  }

  private void editLive(String content) throws IOException {
    Files.writeString(installer.liveFile("app"), content);
  }

  private JsonNode live() throws IOException {
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
