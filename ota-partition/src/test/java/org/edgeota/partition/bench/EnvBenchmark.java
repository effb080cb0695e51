package org.edgeota.partition.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.edgeota.partition.BootScheme;
import org.edgeota.partition.FwEnvConfig;
import org.edgeota.partition.UBootEnv;

/**
 * Measures {@link UBootEnv} side by side with libubootenv's {@code fw_printenv}/{@code fw_setenv}
 * in one run, on one redundant environment of 128 KiB per copy (the size of the project's U-Boot
 * QEMU reference image). Not a test; run it by hand:
 *
 * <pre>
 * mvn -B -q -pl ota-partition test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt
 * java -cp ota-partition/target/classes:ota-partition/target/test-classes:$(cat \
 *     ota-partition/target/cp.txt) org.edgeota.partition.bench.EnvBenchmark \
 *     ota-partition/target/bench
 * </pre>
 *
 * <p>Three figures per operation: the C tool (one process per call, as scripts use it), this
 * library in a fresh JVM per call (what {@code ota env} costs from a shell), and this library
 * in-process (what the agent pays). Writes include the fsync both implementations do.
 */
public final class EnvBenchmark {
  private static final int SIZE = 0x20000;
  private static final int PROCESS_RUNS = 40;
  private static final int IN_PROCESS_RUNS = 400;

  private EnvBenchmark() {}

  /**
   * Runs the benchmark, or one worker call.
   *
   * @param args a work directory, or {@code worker read|write CONFIG}
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("worker")) {
      UBootEnv env = UBootEnv.fromConfig(Path.of(args[2]));
      if (args[1].equals("read")) {
        env.read();
      } else {
        env.update(Map.of("bootcount", Long.toString(System.nanoTime() % 1000)), Set.of());
      }
      return;
    }
    Path work = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
    Files.createDirectories(work);
    Path image = work.resolve("env.img");
    Path cfg = work.resolve("fw_env.config");
    Files.writeString(
        cfg,
        String.format(
            "%s 0x0 0x%x 0x%x%n%s 0x%x 0x%x 0x%x%n", image, SIZE, SIZE, image, SIZE, SIZE, SIZE));
    UBootEnv env = UBootEnv.create(FwEnvConfig.parse(cfg), BootScheme.defaultEnvironment(3));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");

    double toolRead = perCallMillis(List.of("fw_printenv", "-c", cfg.toString()));
    double jvmRead =
        perCallMillis(
            List.of(
                java, "-cp", cp, EnvBenchmark.class.getName(), "worker", "read", cfg.toString()));
    double libRead = inProcessMillis(env::read);
    double toolWrite = perCallMillis(List.of("fw_setenv", "-c", cfg.toString(), "bootcount", "7"));
    double jvmWrite =
        perCallMillis(
            List.of(
                java, "-cp", cp, EnvBenchmark.class.getName(), "worker", "write", cfg.toString()));
    int[] n = {0};
    double libWrite =
        inProcessMillis(() -> env.update(Map.of("bootcount", Integer.toString(n[0]++)), Set.of()));

    System.out.printf(
        Locale.ROOT,
        "| operation | fw tool (process) | ota, fresh JVM | ota, in-process"
            + " | in-process / tool |%n|---|---|---|---|---|%n");
    row("read (fw_printenv)", toolRead, jvmRead, libRead);
    row("write one variable (fw_setenv)", toolWrite, jvmWrite, libWrite);
  }

  private static void row(String op, double tool, double jvm, double lib) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f ms | %.1f ms | %.3f ms | %.2f |%n",
        op,
        tool,
        jvm,
        lib,
        lib / tool);
  }

  private static double perCallMillis(List<String> command)
      throws IOException, InterruptedException {
    run(command);
    long start = System.nanoTime();
    for (int i = 0; i < PROCESS_RUNS; i++) {
      run(command);
    }
    return (System.nanoTime() - start) / 1e6 / PROCESS_RUNS;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(new ArrayList<>(command))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("failed: " + command);
    }
  }

  private static double inProcessMillis(Runnable r) {
    for (int i = 0; i < IN_PROCESS_RUNS / 4; i++) {
      r.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < IN_PROCESS_RUNS; i++) {
      r.run();
    }
    return (System.nanoTime() - start) / 1e6 / IN_PROCESS_RUNS;
  }
}
