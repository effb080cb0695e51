package org.edgeota.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the fleet demo end to end with a small fleet and checks what it wrote to {@code
 * summary.json}: the demo is the project's acceptance test.
 */
class FleetDemoTest {
  private static final boolean REQUIRE_INTEROP = "1".equals(System.getenv("OTA_REQUIRE_INTEROP"));

  @TempDir Path tmp;

  @Test
  void demo_fourDevices_rollsOut200AndStopsBroken210AtTheCanary() throws Exception {
    Path work = tmp.resolve("fleet");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    int status = runDemo(console, "--devices", "4", "--workdir", work.toString());

    String output = console.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
    assertThat(summary.get("passed").asBoolean()).as(output).isTrue();
    assertThat(summary.get("devices")).hasSize(4);
    for (JsonNode d : summary.get("devices")) {
      assertThat(d.get("committedVersion").asText()).as(d.toString()).isEqualTo("2.0.0");
      assertThat(d.get("bootedSlot").asText()).as(d.toString()).isEqualTo("B");
      assertThat(d.get("problems")).as(d.toString()).isEmpty();
      assertThat(Files.exists(work.resolve("devices").resolve(d.get("id").asText()))).isTrue();
    }
    JsonNode good = rollout(summary, "rollout-2.0.0");
    assertThat(good.get("finalState").asText()).isEqualTo("COMPLETED");
    assertThat(good.get("successes").asLong()).isEqualTo(4);
    assertThat(good.get("failures").asLong()).isZero();
    JsonNode bad = rollout(summary, "rollout-2.1.0");
    assertThat(bad.get("finalState").asText()).isEqualTo("PAUSED");
    assertThat(bad.get("stage").asText()).isEqualTo("canary");
    assertThat(bad.get("successes").asLong()).isZero();
    assertThat(bad.get("failures").asLong()).isPositive();
    assertThat(bad.get("rollbacks").asLong()).isPositive();
    if (REQUIRE_INTEROP) {
      assertThat(summary.get("imageFormat").asText()).isEqualTo("ext4");
      assertThat(summary.get("missingTools")).isEmpty();
    }
  }

  @Test
  void demo_rawImages_stillRollsBackTheBrokenReleaseThroughTheAgent() throws Exception {
    Path work = tmp.resolve("raw");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    int status = runDemo(console, "--devices", "2", "--workdir", work.toString(), "--raw-images");

    String output = console.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output).contains("falling back to raw root file system images");
    JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
    assertThat(summary.get("imageFormat").asText()).isEqualTo("raw");
    assertThat(rollout(summary, "rollout-2.1.0").get("finalState").asText()).isEqualTo("PAUSED");
  }

  @Test
  void demo_workdirOfSomethingElse_isRefused() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("precious"));
    Files.writeString(work.resolve("notes.txt"), "keep me");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    int status = runDemo(console, "--devices", "1", "--workdir", work.toString());

    assertThat(status).isEqualTo(2);
    assertThat(work.resolve("notes.txt")).hasContent("keep me");
  }

  private static int runDemo(ByteArrayOutputStream console, String... args) {
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(new FleetDemo(out));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(out, true));
    return cl.execute(args);
  }

  private static JsonNode rollout(JsonNode summary, String id) {
    List<String> ids = new ArrayList<>();
    for (JsonNode r : summary.get("rollouts")) {
      if (r.get("id").asText().equals(id)) {
        return r;
      }
      ids.add(r.get("id").asText());
    }
    throw new AssertionError("no rollout " + id + " in " + ids);
  }
}
