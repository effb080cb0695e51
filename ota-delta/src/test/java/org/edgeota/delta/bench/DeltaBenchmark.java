package org.edgeota.delta.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgeota.delta.DeltaApplier;
import org.edgeota.delta.DeltaGenerator;
import org.edgeota.delta.Images;

/**
 * Measures ota-delta side by side with the C {@code bsdiff}/{@code bspatch} in one run: diff time,
 * apply time, patch size and peak RSS (from GNU {@code time -v}), plus the Java apply's peak heap
 * under a small {@code -Xmx}. Not a test; run it by hand:
 *
 * <pre>
 * mvn -B -q -pl ota-delta test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp ota-delta/target/classes:ota-delta/target/test-classes:$(cat ota-delta/target/cp.txt) \
 *     org.edgeota.delta.bench.DeltaBenchmark ota-delta/target/interop-pairs ota-delta/target/bench
 * </pre>
 *
 * <p>Each measurement is repeated three times, alternating between the tools, and the fastest run
 * counts (RSS and heap: the largest seen). Every Java measurement runs in a fresh JVM so that its
 * RSS can be read like the C tool's; the wall time of a Java run therefore includes JVM start-up,
 * and the in-process time is reported beside it. Both appliers apply the same patch (the one made
 * by C {@code bsdiff}).
 */
public final class DeltaBenchmark {
  private static final String APPLY_XMX = "-Xmx24m";
  private static final String DIFF_XMX = "-Xmx4g";
  private static final int REPS = 3;

  private DeltaBenchmark() {}

  /** One measured process run. */
  record Run(double wallSeconds, long maxRssKb, double innerSeconds, long peakHeapBytes) {}

  /**
   * Runs the benchmark.
   *
   * @param args the directory holding {@code old.jar}/{@code new.jar}, and a work directory
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("worker")) {
      worker(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Path pairs = Path.of(args[0]);
    Path work = Files.createDirectories(Path.of(args[1]));
    List<String> rows = new ArrayList<>();

    rows.add(
        measure(
            "commons-lang3 3.17.0 → 3.18.0 (jar)",
            pairs.resolve("old.jar"),
            pairs.resolve("new.jar"),
            work.resolve("jar")));

    byte[] old = Images.firmware(2026, 64 * 1024 * 1024);
    byte[] neu = Images.nextRelease(old, 1204);
    Path gen = Files.createDirectories(work.resolve("fw64"));
    Path oldImg = Files.write(gen.resolve("old.img"), old);
    Path newImg = Files.write(gen.resolve("new.img"), neu);
    rows.add(measure("generated 64 MiB firmware image, realistic edits", oldImg, newImg, gen));

    StringBuilder md = new StringBuilder();
    md.append("Measured ").append(LocalDate.now(ZoneOffset.UTC)).append(", ");
    md.append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ");
    md.append(System.getProperty("java.version")).append(", best of ").append(REPS);
    md.append(" alternating runs.\n\n");
    md.append("| pair | tool | diff s | patch bytes | apply s | diff RSS MiB | apply RSS MiB |")
        .append(" apply heap peak MiB |\n|---|---|---|---|---|---|---|---|\n");
    rows.forEach(md::append);
    String text = md.toString();
    Files.writeString(work.resolve("delta-benchmark.md"), text);
    System.out.println(text);
  }

  private static String measure(String name, Path oldFile, Path newFile, Path dir)
      throws Exception {
    Files.createDirectories(dir);
    Path cPatch = dir.resolve("c.patch");
    Path jPatch = dir.resolve("java.patch");
    Path cOut = dir.resolve("c.out");
    Path jOut = dir.resolve("java.out");
    byte[] expected = Files.readAllBytes(newFile);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));

    // The machine is shared: runs alternate between the tools and the best of REPS counts.
    List<Run> cDiffs = new ArrayList<>();
    List<Run> jDiffs = new ArrayList<>();
    List<Run> cApplies = new ArrayList<>();
    List<Run> jApplies = new ArrayList<>();
    for (int rep = 0; rep < REPS; rep++) {
      cDiffs.add(timed(List.of("bsdiff", str(oldFile), str(newFile), str(cPatch))));
      jDiffs.add(timed(javaCmd(DIFF_XMX, "diff", str(oldFile), str(newFile), str(jPatch))));
      cApplies.add(timed(List.of("bspatch", str(oldFile), str(cOut), str(cPatch))));
      jApplies.add(
          timed(
              javaCmd(
                  APPLY_XMX,
                  "apply",
                  str(oldFile),
                  str(cPatch),
                  str(jOut),
                  Long.toString(expected.length),
                  sha)));
    }
    Run cDiff = best(cDiffs);
    Run jDiff = best(jDiffs);
    Run cApply = best(cApplies);
    Run jApply = best(jApplies);
    check(Arrays.equals(Files.readAllBytes(cOut), expected), "C bspatch output differs");
    check(Arrays.equals(Files.readAllBytes(jOut), expected), "Java apply output differs");
    // Cross-check: our patch must apply with the C tool.
    Path cross = dir.resolve("cross.out");
    timed(List.of("bspatch", str(oldFile), str(cross), str(jPatch)));
    check(Arrays.equals(Files.readAllBytes(cross), expected), "C bspatch of our patch differs");

    long cSize = Files.size(cPatch);
    long jSize = Files.size(jPatch);
    String c =
        String.format(
            Locale.ROOT,
            "| %s | C bsdiff/bspatch | %.2f | %d | %.2f | %.1f | %.1f | n/a |%n",
            name,
            cDiff.wallSeconds(),
            cSize,
            cApply.wallSeconds(),
            cDiff.maxRssKb() / 1024.0,
            cApply.maxRssKb() / 1024.0);
    String j =
        String.format(
            Locale.ROOT,
            "| %s | ota-delta (jbsdiff diff, own apply, %s) | %.2f (in JVM %.2f) | %d | %.2f"
                + " (in JVM %.2f) | %.1f | %.1f | %.1f |%n",
            name,
            APPLY_XMX,
            jDiff.wallSeconds(),
            jDiff.innerSeconds(),
            jSize,
            jApply.wallSeconds(),
            jApply.innerSeconds(),
            jDiff.maxRssKb() / 1024.0,
            jApply.maxRssKb() / 1024.0,
            jApply.peakHeapBytes() / (1024.0 * 1024.0));
    String ratio =
        String.format(
            Locale.ROOT,
            "| %s | ratio ota-delta / C | %.2f× | %.4f× | %.2f× | %.2f× | %.2f× | |%n",
            name,
            jDiff.wallSeconds() / cDiff.wallSeconds(),
            (double) jSize / cSize,
            jApply.wallSeconds() / cApply.wallSeconds(),
            (double) jDiff.maxRssKb() / cDiff.maxRssKb(),
            (double) jApply.maxRssKb() / cApply.maxRssKb());
    return c + j + ratio;
  }

  /** The fastest run's times, with the largest RSS and heap seen in any run. */
  private static Run best(List<Run> runs) {
    Run fastest =
        runs.stream().min((a, b) -> Double.compare(a.wallSeconds(), b.wallSeconds())).orElseThrow();
    long rss = runs.stream().mapToLong(Run::maxRssKb).max().orElseThrow();
    long heap = runs.stream().mapToLong(Run::peakHeapBytes).max().orElseThrow();
    return new Run(fastest.wallSeconds(), rss, fastest.innerSeconds(), heap);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static String str(Path p) {
    return p.toString();
  }

  private static List<String> javaCmd(String xmx, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(xmx);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DeltaBenchmark.class.getName());
    cmd.add("worker");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Run timed(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("time", "-v"));
    cmd.addAll(command);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(command + " failed with " + exit + ":\n" + out);
    }
    long rss = number(out, "Maximum resident set size \\(kbytes\\): (\\d+)");
    long innerNanos = number(out, "inner_nanos=(\\d+)");
    long heap = number(out, "peak_heap=(\\d+)");
    return new Run(wall, rss, innerNanos / 1e9, heap);
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static void worker(String[] a) throws IOException {
    long t0 = System.nanoTime();
    if (a[0].equals("diff")) {
      DeltaGenerator.builder()
          .maxRatio(Double.POSITIVE_INFINITY)
          .verify(false)
          .build()
          .diff(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]));
    } else {
      try (FileChannel old = FileChannel.open(Path.of(a[1]), StandardOpenOption.READ)) {
        DeltaApplier.withDefaults()
            .applyToFile(old, Path.of(a[2]), Path.of(a[3]), Long.parseLong(a[4]), a[5]);
      }
    }
    long inner = System.nanoTime() - t0;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("inner_nanos=" + inner);
    System.out.println("peak_heap=" + peak);
  }
}
