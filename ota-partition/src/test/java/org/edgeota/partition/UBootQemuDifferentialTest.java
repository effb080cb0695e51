package org.edgeota.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Slot;
import org.edgeota.partition.internal.EnvFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against a real U-Boot (Debian's {@code qemu_arm64} build under QEMU, through
 * the project's {@code shared/tools/uboot-qemu/run-boot.sh}): for each scenario the environment is
 * written by this module onto the device image and onto a copy for {@link BootloaderSimulator};
 * after every power-on the slot U-Boot booted, its counters and the environment it left must equal
 * the simulator's prediction.
 */
class UBootQemuDifferentialTest {
  /** Variables the reference board's boot ROM sets in memory at every power-on. */
  private static final Map<String, String> ROM_VARIABLES =
      Map.of("ota_saveenv", "source 0x04060000");

  private static Path tool;

  @TempDir Path dir;

  @BeforeAll
  static void locateTool() {
    Path repo = repositoryRoot();
    Path script = repo.resolve("../shared/tools/uboot-qemu/run-boot.sh").normalize();
    boolean present = Files.isRegularFile(script);
    if (present) {
      ExternalTools.Result check =
          ExternalTools.run(List.of("bash", script.toString(), "check"), noInstall(), null);
      present = check.exitCode() == 0;
    }
    if (ExternalTools.interopRequired()) {
      assertThat(present)
          .as("%s present and its 'check' passing (OTA_REQUIRE_INTEROP=1)", script)
          .isTrue();
    }
    Assumptions.assumeTrue(present, "uboot-qemu tool or its packages missing; test skipped");
    tool = script;
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("ota-api")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
      p = p.getParent();
    }
    return Path.of("").toAbsolutePath().getParent();
  }

  private static Map<String, String> noInstall() {
    return Map.of("UBOOT_QEMU_NO_INSTALL", "1");
  }

  // ---- the scenario table ----

  /** One step applied to the real device and to the simulated copy alike, or one power-on. */
  interface Step {
    void apply(Device device) throws IOException;
  }

  /** A power-on whose outcome is stated in the table and checked on both sides. */
  record Boot(Slot slot, boolean fellBack) implements Step {
    @Override
    public void apply(Device device) {
      throw new UnsupportedOperationException("a boot is run by the test, not applied");
    }
  }

  record Scenario(String name, boolean redundant, int bootlimit, List<Step> steps) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A device image: its environment and configuration. */
  record Device(Path image, FwEnvConfig config) {
    UBootEnv env() {
      return UBootEnv.of(config);
    }

    BootScheme scheme() {
      return BootScheme.of(env());
    }
  }

  static Step act(Step s) {
    return s;
  }

  static Boot boot(Slot slot) {
    return new Boot(slot, false);
  }

  static Boot fallBackTo(Slot slot) {
    return new Boot(slot, true);
  }

  static Step corruptCopy(int index) {
    return d -> {
      FwEnvConfig.Location loc = d.config().copies().get(index);
      try (FileChannel ch = FileChannel.open(d.image(), StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55, 0x55}), loc.offset() + 8);
        ch.force(true);
      }
    };
  }

  static Step set(String name, String value) {
    return d -> d.env().update(Map.of(name, value), Set.of());
  }

  /** Writes one redundant copy with an explicit flags byte and the current variables plus some. */
  static Step writeCopy(int index, int flags, Map<String, String> extra) {
    return d -> {
      Map<String, String> vars = new HashMap<>(BootScheme.defaultEnvironment(2));
      vars.putAll(extra);
      List<EnvFormat.Entry> entries = new ArrayList<>();
      vars.forEach((k, v) -> entries.add(EnvFormat.Entry.of(k, v)));
      entries.sort((a, b) -> EnvFormat.compareNames(a.name(), b.name()));
      FwEnvConfig.Location loc = d.config().copies().get(index);
      byte[] copy = EnvFormat.encode(entries, (int) loc.size(), true, flags);
      try (FileChannel ch = FileChannel.open(d.image(), StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(copy), loc.offset());
        ch.force(true);
      }
    };
  }

  static Stream<Scenario> scenarios() {
    Map<String, String> trialB =
        Map.of("boot_partition", "B", "upgrade_available", "1", "bootcount", "0");
    return Stream.of(
        new Scenario("plain boot, no trial", false, 3, List.of(boot(Slot.A))),
        new Scenario(
            "trial boots counted, then commit stops counting",
            false,
            3,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                boot(Slot.B),
                boot(Slot.B),
                act(d -> d.scheme().commit()),
                boot(Slot.B))),
        new Scenario(
            "fallback after bootlimit",
            false,
            2,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                boot(Slot.B),
                boot(Slot.B),
                fallBackTo(Slot.A),
                boot(Slot.A))),
        new Scenario(
            "redundant copies: trial and fallback alternate copies",
            true,
            1,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                boot(Slot.B),
                fallBackTo(Slot.A),
                boot(Slot.A))),
        new Scenario(
            "redundant: newer copy corrupt, older copy in trial is used and overwritten",
            true,
            3,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                act(d -> d.env().update(Map.of("upgrade_available", "0"), Set.of())),
                corruptCopy(0),
                boot(Slot.B),
                boot(Slot.B))),
        new Scenario(
            "redundant: flags wrap from 255 to 0",
            true,
            3,
            List.of(
                act(writeCopy(0, 254, Map.of())),
                act(writeCopy(1, 255, trialB)),
                boot(Slot.B),
                boot(Slot.B))),
        new Scenario(
            "both copies corrupt: default environment, nothing saved",
            true,
            3,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                corruptCopy(0),
                corruptCopy(1),
                boot(Slot.A))),
        new Scenario(
            "single copy corrupt: default environment",
            false,
            3,
            List.of(act(d -> d.scheme().prepareTrial(Slot.B)), corruptCopy(0), boot(Slot.A))),
        new Scenario(
            "lower-case slot value: failed boot",
            false,
            3,
            List.of(set("boot_partition", "b"), boot(null))),
        new Scenario(
            "bootcount carries in decimal: 9 to 10",
            false,
            20,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)), set("bootcount", "9"), boot(Slot.B))),
        new Scenario(
            "bootlimit 0: counting without fallback",
            false,
            0,
            List.of(act(d -> d.scheme().prepareTrial(Slot.B)), boot(Slot.B))),
        new Scenario(
            "agent marks the trial bad and switches back",
            true,
            3,
            List.of(
                act(d -> d.scheme().prepareTrial(Slot.B)),
                boot(Slot.B),
                act(d -> d.scheme().markBadAndSwitchBack()),
                boot(Slot.A))));
  }

  // ---- the runner ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void powerOn_scenario_uBootAndSimulatorAgree(Scenario scenario) throws IOException {
    Path realDir = dir.resolve("real");
    List<String> init =
        new ArrayList<>(
            List.of(
                "bash",
                tool.toString(),
                "init",
                realDir.toString(),
                "--env-size",
                "0x2000",
                "--bootlimit",
                Integer.toString(scenario.bootlimit())));
    if (scenario.redundant()) {
      init.add("--redundant");
    }
    ExternalTools.Result r = ExternalTools.run(init, noInstall(), null);
    assertThat(r.exitCode()).as("init: %s", r.stderr()).isZero();
    FwEnvConfig realConfig = FwEnvConfig.parse(realDir.resolve("fw_env.config"));
    Device real = new Device(realConfig.copies().get(0).device(), realConfig);
    UBootEnv.create(realConfig, BootScheme.defaultEnvironment(scenario.bootlimit()));
    Path simImage = Files.copy(real.image(), dir.resolve("sim.img"));
    Device sim = new Device(simImage, retarget(realConfig, simImage));
    BootloaderSimulator simulator =
        BootloaderSimulator.builder()
            .defaultEnvironment(readDefaultEnv(realDir.resolve("default-env.txt")))
            .bootloaderVariables(ROM_VARIABLES)
            .build();

    int n = 0;
    for (Step step : scenario.steps()) {
      if (!(step instanceof Boot expected)) {
        step.apply(real);
        step.apply(sim);
        continue;
      }
      n++;
      Map<String, String> line = bootReal(realDir);
      BootOutcome predicted = simulator.powerOn(sim.env());

      String at = scenario.name() + ", boot " + n + ": " + line;
      assertThat(line.get("STATUS")).as(at).isIn("BOOTED", "BOOTFAIL");
      Slot realSlot = "BOOTED".equals(line.get("STATUS")) ? Slot.parse(line.get("SLOT")) : null;
      assertThat(realSlot).as("U-Boot's slot, " + at).isEqualTo(expected.slot());
      assertThat(predicted.slot()).as("simulated slot, " + at).isEqualTo(realSlot);
      assertThat(predicted.fellBack()).as("fallback, " + at).isEqualTo(expected.fellBack());
      assertThat(line.get("ALTBOOT")).as(at).isEqualTo(expected.fellBack() ? "1" : "0");
      assertThat(predicted.envValid()).as(at).isEqualTo("OK".equals(line.get("ENV")));
      assertThat(Integer.toString(predicted.saves())).as(at).isEqualTo(line.get("SAVES"));
      assertThat(String.valueOf(predicted.bootcount()))
          .as(at)
          .isEqualTo(
              line.getOrDefault("BOOTCOUNT", "null").isEmpty() ? "null" : line.get("BOOTCOUNT"));
      assertSameEnvironment(real, sim, at);
    }
  }

  private static void assertSameEnvironment(Device real, Device sim, String at) throws IOException {
    Map<String, String> realVars = readOrNull(real.env());
    Map<String, String> simVars = readOrNull(sim.env());
    assertThat(simVars).as("environment left, " + at).isEqualTo(realVars);
    for (FwEnvConfig.Location loc : real.config().copies()) {
      if (real.config().redundant()) {
        assertThat(byteAt(sim.image(), loc.offset() + 4))
            .as("flags of copy at 0x%x, %s", loc.offset(), at)
            .isEqualTo(byteAt(real.image(), loc.offset() + 4));
      }
    }
  }

  private static Map<String, String> readOrNull(UBootEnv env) {
    Throwable t = catchThrowable(env::read);
    if (t instanceof OtaException e && e.reason() == ReasonCode.BOOT_ENV_UNREADABLE) {
      return null;
    }
    return env.read();
  }

  private static int byteAt(Path image, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, offset);
      return b.get(0) & 0xff;
    }
  }

  private static FwEnvConfig retarget(FwEnvConfig config, Path image) {
    return new FwEnvConfig(
        config.copies().stream()
            .map(l -> new FwEnvConfig.Location(image, l.offset(), l.size(), l.sectorSize()))
            .collect(Collectors.toList()));
  }

  private static Map<String, String> readDefaultEnv(Path file) throws IOException {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        vars.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return vars;
  }

  private static Map<String, String> bootReal(Path realDir) {
    ExternalTools.Result r =
        ExternalTools.run(
            List.of("bash", tool.toString(), "boot", realDir.toString()), noInstall(), null);
    List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("run-boot.sh boot output; stderr: %s", r.stderr()).isNotEmpty();
    String last = lines.get(lines.size() - 1);
    assertThat(r.exitCode()).as("run-boot.sh boot exit code; result %s", last).isZero();
    Map<String, String> fields = new HashMap<>();
    for (String kv : last.split(" ")) {
      String[] a = kv.split("=", 2);
      fields.put(a[0], a.length > 1 ? a[1] : "");
    }
    return fields;
  }
}
