package org.edgeota.download.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.download.ResumableDownloader;
import org.edgeota.download.RetryPolicy;

/**
 * Downloads a large file from Jetty 12 on loopback with {@link ResumableDownloader} (in a child JVM
 * limited to {@code -Xmx64m}) and with {@code curl}, alternately, and prints throughput, ratio,
 * peak heap and peak RSS as a Markdown table. Not a test: run it by hand (see {@code
 * docs/benchmarks.md}).
 *
 * <p>The downloader runs the way the {@code ota} tool and the reference agent run it: its child JVM
 * calls {@link ResumableDownloader#useLargeClientBuffers()} first. Another row pins the JDK
 * client's 16 KiB default on the command line ({@code -D} wins over the helper). Before every
 * download the page cache is written back ({@code sync}) and the machine left alone for a second,
 * so that no download pays for the previous one's writeback.
 *
 * <p>Arguments: {@code [sizeMiB [rounds [workDir [prefault]]]]}, defaults 1024, 3, a temporary
 * directory and no scratch write before each download (see {@link #settle()}).
 */
public final class DownloadBenchmark {
  /** The JDK client's read buffer as launchers set it ({@code useLargeClientBuffers()}). */
  private static final String BUFSIZE = "-Djdk.httpclient.bufsize=262144";

  /** The JDK client's own default read buffer, pinned on the child's command line. */
  private static final String JDK_DEFAULT = "-Djdk.httpclient.bufsize=16384";

  /** Where {@link #settle()} writes its scratch file, or {@code null} for none. */
  private static Path prefaultDir;

  private static long prefaultBytes;

  private DownloadBenchmark() {}

  /**
   * Runs the benchmark, or (with {@code client} as the first argument) one download in this JVM.
   *
   * @param args see the class comment
   * @throws Exception when anything fails
   */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      // Jetty's DEBUG logging of every selector event would eat the CPU that is measured.
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    if (args.length > 0 && args[0].equals("client")) {
      client(args);
      return;
    }
    if (args.length > 0 && args[0].equals("raw")) {
      raw(args[1]);
      return;
    }
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work =
        args.length > 2
            ? Files.createDirectories(Path.of(args[2]))
            : Files.createTempDirectory("ota-bench");
    Path served = Files.createDirectories(work.resolve("served"));
    Path file = served.resolve("payload.bin");
    long size = sizeMiB << 20;
    if (args.length > 3 && args[3].equals("prefault")) {
      prefaultDir = work;
      prefaultBytes = size;
    }
    System.out.printf(Locale.ROOT, "writing %d MiB test file ...%n", sizeMiB);
    String sha = writePayload(file, size);

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ResourceHandler resources = new ResourceHandler();
    resources.setBaseResource(ResourceFactory.of(server).newResource(served));
    server.setHandler(resources);
    server.start();
    String url = "http://127.0.0.1:" + connector.getLocalPort() + "/payload.bin";
    try {
      List<double[]> ours = new ArrayList<>();
      List<double[]> oursDefault = new ArrayList<>();
      List<double[]> curl = new ArrayList<>();
      List<double[]> raw = new ArrayList<>();
      List<double[]> rawBig = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        ours.add(runOurs(url, size, sha, work.resolve("ours.bin"), List.of()));
        curl.add(runCurl(url, work.resolve("curl.bin"), size));
        oursDefault.add(runOurs(url, size, sha, work.resolve("ours.bin"), List.of(JDK_DEFAULT)));
        raw.add(runChild(size, List.of(JDK_DEFAULT), "raw", url));
        rawBig.add(runChild(size, List.of(BUFSIZE), "raw", url));
        System.out.printf(
            Locale.ROOT,
            "round %d, MiB/s: ours %.0f (warm %.0f); curl %.0f, +sync %.0f, +sha256 %.0f;"
                + " ours, 16 KiB buffers %.0f (warm %.0f); JDK client alone %.0f, 256 KiB"
                + " %.0f%n",
            r + 1,
            ours.get(r)[0],
            ours.get(r)[3],
            curl.get(r)[0],
            curl.get(r)[1],
            curl.get(r)[4],
            oursDefault.get(r)[0],
            oursDefault.get(r)[3],
            raw.get(r)[0],
            rawBig.get(r)[0]);
        System.out.printf(
            Locale.ROOT,
            "round %d, CPU s/GiB: ours %.2f (warm %.2f); curl %.2f; ours, 16 KiB buffers %.2f"
                + " (warm %.2f); JDK client alone %.2f, 256 KiB %.2f%n",
            r + 1,
            ours.get(r)[4],
            ours.get(r)[5],
            curl.get(r)[3],
            oursDefault.get(r)[4],
            oursDefault.get(r)[5],
            raw.get(r)[4],
            rawBig.get(r)[4]);
      }
      report(sizeMiB, rounds, ours, oursDefault, curl, raw, rawBig);
    } finally {
      server.stop();
      Files.deleteIfExists(file);
    }
  }

  private static String writePayload(Path file, long size) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    SplittableRandom random = new SplittableRandom(20261204L);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        for (int i = 0; i < chunk.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            chunk[i + j] = (byte) (v >>> (8 * j));
          }
        }
        md.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Returns {MiB/s, peak heap MiB, peak RSS MiB}. */
  private static double[] runOurs(String url, long size, String sha, Path out, List<String> jvm)
      throws Exception {
    Files.deleteIfExists(out);
    double[] result = runChild(size, jvm, "client", url, String.valueOf(size), sha, out.toString());
    Files.deleteIfExists(out);
    return result;
  }

  /**
   * Runs this class in a child JVM with -Xmx64m, which downloads twice; returns {MiB/s of the first
   * (cold JVM) run, peak heap MiB, peak RSS MiB, MiB/s of the second (warm) run}.
   */
  private static double[] runChild(long size, List<String> jvm, String... args) throws Exception {
    settle();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                DownloadBenchmark.class.getName()));
    cmd.addAll(1, jvm);
    String logConfig = System.getProperty("logback.configurationFile");
    if (logConfig != null) {
      cmd.add(1, "-Dlogback.configurationFile=" + logConfig);
    }
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) {
      throw new IOException("client failed: " + output);
    }
    List<String> lines = output.lines().filter(l -> l.matches("\\d+ \\d+ \\d+ \\d+")).toList();
    String[] first = lines.get(lines.size() - 2).split(" ");
    String[] last = lines.get(lines.size() - 1).split(" ");
    double seconds = Long.parseLong(first[0]) / 1e9;
    double warmSeconds = Long.parseLong(last[0]) / 1e9;
    return new double[] {
      (size / 1048576.0) / seconds,
      Long.parseLong(last[1]) / 1048576.0,
      Long.parseLong(last[2]) / 1024.0,
      (size / 1048576.0) / warmSeconds,
      Long.parseLong(first[3]) / 1e9 / (size / 1073741824.0),
      Long.parseLong(last[3]) / 1e9 / (size / 1073741824.0)
    };
  }

  /**
   * Returns {MiB/s, MiB/s including an fsync of the file (coreutils {@code sync FILE}), peak RSS
   * MiB} of curl writing to a file.
   */
  private static double[] runCurl(String url, Path out, long size) throws Exception {
    Files.deleteIfExists(out);
    settle();
    Path rss = out.resolveSibling("curl.rss");
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(
                "/usr/bin/time",
                "-f",
                "%M %U %S",
                "-o",
                rss.toString(),
                "curl",
                "-sS",
                "-o",
                out.toString(),
                url)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("curl failed: " + output);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (Files.size(out) != size) {
      throw new IOException("curl wrote " + Files.size(out) + " bytes");
    }
    Process sync = new ProcessBuilder("sync", out.toString()).inheritIO().start();
    if (sync.waitFor() != 0) {
      throw new IOException("sync failed");
    }
    double withSync = (System.nanoTime() - start) / 1e9;
    Files.deleteIfExists(out);
    double withDigest = curlThenDigest(url, out, size);
    String rssText = Files.readString(rss).trim();
    String[] usage = rssText.lines().reduce((a, b) -> b).orElse("0 0 0").split(" ");
    long rssKb = Long.parseLong(usage[0]);
    double cpuSeconds = Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]);
    double mib = size / 1048576.0;
    return new double[] {
      mib / seconds,
      mib / withSync,
      rssKb / 1024.0,
      cpuSeconds / (size / 1073741824.0),
      mib / withDigest
    };
  }

  /**
   * Returns the seconds taken by {@code curl -o FILE} followed by {@code openssl dgst -sha256
   * FILE}: a verified download the way a shell script does it (OpenSSL's SHA-256 uses the same CPU
   * instructions as the JVM's; coreutils' {@code sha256sum} does not and would be slower).
   */
  private static double curlThenDigest(String url, Path out, long size) throws Exception {
    settle();
    long start = System.nanoTime();
    Process p = new ProcessBuilder("curl", "-sS", "-o", out.toString(), url).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("curl failed");
    }
    Process d =
        new ProcessBuilder("openssl", "dgst", "-sha256", out.toString())
            .redirectErrorStream(true)
            .start();
    String digest = new String(d.getInputStream().readAllBytes());
    if (d.waitFor() != 0 || Files.size(out) != size) {
      throw new IOException("openssl dgst failed: " + digest);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.deleteIfExists(out);
    return seconds;
  }

  /**
   * Writes the page cache back and leaves the machine alone for a second; then, when {@code
   * prefault} was given, writes and deletes a scratch file of the download's size.
   *
   * <p>Why the scratch file: on a VM whose balloon driver reports free pages to the host, pages
   * freed more than about two seconds ago are handed back, and the next write into the page cache
   * pays a host page fault per page: writing 1 GiB took 1.1 to 2.2 s of CPU after a pause here,
   * 0.23 s right after another file's pages were freed. The scratch file hands both clients freshly
   * freed pages. Off by default: in the run of 2026-12-04 it sped up our cold download but not
   * curl, and slowed our warm one, so it does not make the comparison steadier.
   */
  private static void settle() throws Exception {
    if (new ProcessBuilder("sync").inheritIO().start().waitFor() != 0) {
      throw new IOException("sync failed");
    }
    Thread.sleep(1000);
    if (prefaultDir == null) {
      return;
    }
    Path scratch = prefaultDir.resolve("prefault.bin");
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch =
        FileChannel.open(scratch, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (long pos = 0; pos < prefaultBytes; ) {
        zeros.clear();
        pos += ch.write(zeros, pos);
      }
    }
    Files.delete(scratch);
  }

  /** Reads the body with the JDK client alone (no hash, no file) and prints the figures. */
  private static void raw(String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] buffer = new byte[1 << 16];
    for (int run = 0; run < 2; run++) {
      long start = System.nanoTime();
      long cpu = processCpuNanos();
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        while (in.read(buffer) >= 0) {
          // discard
        }
      }
      printFigures(System.nanoTime() - start, processCpuNanos() - cpu);
    }
  }

  private static void client(String[] args) throws Exception {
    ResumableDownloader.useLargeClientBuffers();
    URI uri = URI.create(args[1]);
    long size = Long.parseLong(args[2]);
    String sha = args[3];
    Path out = Path.of(args[4]);
    ResumableDownloader downloader =
        ResumableDownloader.builder()
            .retryPolicy(RetryPolicy.none())
            .deadline(Duration.ofMinutes(10))
            .build();
    for (int run = 0; run < 2; run++) {
      Files.deleteIfExists(out);
      long start = System.nanoTime();
      long cpu = processCpuNanos();
      downloader.download(new ArtifactRequest(uri, size, sha), out, null);
      printFigures(System.nanoTime() - start, processCpuNanos() - cpu);
    }
    Files.deleteIfExists(out);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void printFigures(long elapsed, long cpu) throws IOException {
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    long hwmKb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwmKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    System.out.println(elapsed + " " + heap + " " + hwmKb + " " + cpu);
  }

  private static void report(
      long sizeMiB,
      int rounds,
      List<double[]> ours,
      List<double[]> oursDefault,
      List<double[]> curl,
      List<double[]> raw,
      List<double[]> rawBig) {
    double c = median(curl, 0);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%s, %d MiB over loopback from Jetty 12, %d alternating rounds (medians), %s:%n%n",
        LocalDate.now(ZoneOffset.UTC),
        sizeMiB,
        rounds,
        prefaultDir == null ? "no scratch write" : "scratch write before each download");
    System.out.println("| client | throughput | ratio to curl | peak heap | peak RSS | CPU/GiB |");
    System.out.println("|---|---|---|---|---|---|");
    row("ResumableDownloader, -Xmx64m, as `ota` runs it, cold JVM", ours, 0, c, true);
    row("same JVM, second download (warm JIT)", ours, 3, c, false);
    row("ResumableDownloader, JDK default 16 KiB buffers, cold JVM", oursDefault, 0, c, true);
    row("same JVM, second download (warm JIT)", oursDefault, 3, c, false);
    System.out.printf(
        Locale.ROOT,
        "| curl -o FILE (no digest, no fsync) | %.0f MiB/s | 1.00 | n/a | %.1f MiB | %.2f s |%n",
        c,
        median(curl, 2),
        median(curl, 3));
    System.out.printf(
        Locale.ROOT,
        "| curl -o FILE, then sync FILE | %.0f MiB/s | %.2f | | | |%n",
        median(curl, 1),
        median(curl, 1) / c);
    System.out.printf(
        Locale.ROOT,
        "| curl -o FILE, then openssl dgst -sha256 FILE | %.0f MiB/s | %.2f | | | |%n",
        median(curl, 4),
        median(curl, 4) / c);
    row("JDK HttpClient alone, 16 KiB buffers (body discarded)", raw, 0, c, true);
    row("JDK HttpClient alone, 256 KiB buffers (body discarded)", rawBig, 0, c, true);
  }

  private static void row(
      String label, List<double[]> rows, int column, double curl, boolean memory) {
    double mibs = median(rows, column);
    int cpuColumn = column == 0 ? 4 : 5;
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f MiB/s | %.2f | %s | %s | %.2f s |%n",
        label,
        mibs,
        mibs / curl,
        memory ? String.format(Locale.ROOT, "%.1f MiB", median(rows, 1)) : "",
        memory ? String.format(Locale.ROOT, "%.1f MiB", median(rows, 2)) : "",
        median(rows, cpuColumn));
  }

  private static double median(List<double[]> rows, int column) {
    double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return values[values.length / 2];
  }
}
