package org.edgeota.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.download.ResumableDownloader;
import org.edgeota.download.RetryPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ota fetch URL --size N --sha256 H --out FILE [--max-rate R] [--deadline D] [--max-attempts
 * N]}: a verified download.
 *
 * <p>The deadline bounds the whole call and is also the retry policy's total time, so that neither
 * limit silently cuts the other short.
 */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Download URL into FILE, resuming an earlier interrupted fetch of the same file.",
      "FILE appears only when the bytes have exactly --size and --sha256; partial data waits in"
          + " FILE.part (with FILE.part.json) until then. Missing parent directories of FILE are"
          + " created.",
      "Exit status: 0 ok, 2 invalid arguments, 3 the bytes do not match --size or --sha256, 4"
          + " network or server failure (including a passed deadline)."
    })
final class FetchCommand implements Callable<Integer> {
  private static final Pattern RATE =
      Pattern.compile("(\\d{1,15})\\s*([kmg]?)(?:i?b)?(?:/s)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "The http or https URL to fetch.")
  URI url;

  @Option(
      names = "--size",
      required = true,
      paramLabel = "N",
      description = "The exact size in bytes.")
  long size;

  @Option(
      names = "--sha256",
      required = true,
      paramLabel = "H",
      description = "The SHA-256 the bytes must have (64 hex digits).")
  String sha256;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where the verified file goes.")
  Path out;

  @Option(
      names = "--max-rate",
      paramLabel = "R",
      description =
          "Bandwidth cap in bytes per second, with an optional k, M or G suffix (powers of"
              + " 1024), e.g. 500k or 2M.")
  String maxRate;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description =
          "Attempts in a row that save no new bytes before giving up (default:"
              + " ${DEFAULT-VALUE}). An attempt that saves new bytes starts the count again, so"
              + " a slow server may get more attempts; --deadline caps the whole download.")
  int maxAttempts = 5;

  @Option(
      names = "--deadline",
      paramLabel = "D",
      description =
          "Overall time limit, retries and the waits between them included: a number with s,"
              + " m, h or d (e.g. 30s, 10m, 2h) or ISO-8601 like PT1H30M (default: 1h).")
  String deadline;

  @Override
  public Integer call() {
    if (size < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(size),
          "--size: expected a non-negative byte count, found " + size);
    }
    if (!SHA256.matcher(sha256).matches()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          sha256,
          "--sha256: expected 64 hex digits, found '" + sha256 + "'");
    }
    long cap = maxRate == null ? 0 : parseRate(maxRate);
    Duration limit = deadline(Clock.systemUTC());
    ResumableDownloader.Builder b =
        ResumableDownloader.builder()
            .retryPolicy(retryPolicy(limit))
            .deadline(limit)
            .maxBytesPerSecond(cap);
    if (cap > 0) {
      b.minThroughput(Math.min(cap, 1024), Duration.ofSeconds(30));
    }
    PrintWriter err = spec.commandLine().getErr();
    boolean terminal = System.console() != null;
    DownloadProgress.Listener listener =
        terminal ? p -> err.print("\r" + render(p, 30)) : DownloadProgress.Listener.none();
    ArtifactRequest request = new ArtifactRequest(url, size, sha256.toLowerCase(Locale.ROOT));
    Path result;
    try {
      result = b.build().download(request, out, listener);
    } finally {
      if (terminal) {
        err.println();
        err.flush();
      }
    }
    spec.commandLine()
        .getOut()
        .println(result + ": " + size + " bytes, sha256 " + request.sha256());
    return OtaCli.EXIT_OK;
  }

  /**
   * Returns the overall time limit: {@code --deadline}, else one hour.
   *
   * @param clock the clock the limit must still be representable from
   * @return a positive duration that, added to the clock's instant, stays a valid instant
   */
  Duration deadline(Clock clock) {
    if (deadline == null) {
      return DEFAULT_DEADLINE;
    }
    Duration d = CliSupport.duration("--deadline", deadline);
    CliSupport.fromNow("--deadline", deadline, d, clock);
    return d;
  }

  /**
   * Returns the retry policy: {@code --max-attempts} attempts without progress, and the deadline as
   * its total time (the library's default of 10 minutes would end a slow download long before a
   * longer deadline).
   *
   * @param limit the overall time limit
   * @return the policy
   */
  RetryPolicy retryPolicy(Duration limit) {
    if (maxAttempts < 1) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(maxAttempts),
          "--max-attempts: expected an integer >= 1, found " + maxAttempts);
    }
    return RetryPolicy.builder().maxAttempts(maxAttempts).maxTotalTime(limit).build();
  }

  /**
   * Parses a rate such as {@code 500k}, {@code 2M}, {@code 1048576} or {@code 2MiB/s}.
   *
   * @param text the rate
   * @return bytes per second, positive
   */
  static long parseRate(String text) {
    Matcher m = RATE.matcher(text.trim());
    if (!m.matches()) {
      throw badRate(text);
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
      throw badRate(text);
    }
    return n << shift;
  }

  private static OtaException badRate(String text) {
    return new OtaException(
        ReasonCode.INVALID_ARGUMENT,
        text,
        "--max-rate: expected a positive rate like 500k or 2M (bytes per second), found '"
            + text
            + "'");
  }

  /**
   * Renders one line of the progress bar.
   *
   * @param p the progress
   * @param width the bar's width in characters
   * @return for example {@code [####### ] 50% 1.0/2.0 MiB 512.0 KiB/s ETA 0:02}
   */
  static String render(DownloadProgress p, int width) {
    double fraction = p.total() == 0 ? 1.0 : Math.min(1.0, (double) p.bytes() / p.total());
    int filled = (int) Math.round(fraction * width);
    StringBuilder bar = new StringBuilder("[");
    bar.append("#".repeat(filled)).append(" ".repeat(width - filled)).append(']');
    String eta = p.eta() == null ? "--:--" : clock(p.eta());
    return String.format(
        Locale.ROOT,
        "%s %3d%%  %s/%s  %s/s  ETA %s",
        bar,
        (int) Math.floor(fraction * 100),
        human(p.bytes()),
        human(p.total()),
        human((long) p.bytesPerSecond()),
        eta);
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
