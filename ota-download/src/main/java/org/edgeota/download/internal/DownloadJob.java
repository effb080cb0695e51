package org.edgeota.download.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ArtifactRequest;
import org.edgeota.api.spi.DownloadProgress;
import org.edgeota.download.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download of one artifact into one target file, resumed across attempts and restarts.
 *
 * <p>Design notes:
 *
 * <ul>
 *   <li>Bytes go to {@code target + ".part"}; {@code target + ".part.json"} (a {@link
 *       PartialState}) records how many of them are durable and under which strong validator they
 *       were served. The sidecar is written only after the partial file was forced, so it never
 *       claims bytes that a power cut could have lost; bytes past its offset are cut off on start.
 *   <li>The SHA-256 runs over the bytes as they are written. On a resume, the durable prefix is
 *       hashed once when the job starts; every later attempt of the same job continues the same
 *       digest, because the file and the digest always cover the same bytes.
 *   <li>A range is requested only with a strong validator in {@code If-Range}; without one the
 *       download starts over. Any answer that could stitch different representations together
 *       ({@code 200} to a ranged request, a {@code 206} for another offset or total, a changed
 *       validator) discards the partial data first.
 *   <li>The manifest size is a hard cap: the first byte past it fails the download and deletes the
 *       partial data.
 *   <li>The body is read by polling with a timeout ({@link BodyQueue}) so that a trickling or
 *       silent server trips the minimum-throughput window and the overall deadline.
 * </ul>
 */
public final class DownloadJob {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadJob.class);
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final int HASH_BUFFER = 1 << 16;
  private static final Duration MAX_POLL = Duration.ofMillis(250);
  private static final long MIN_CHECKPOINT_BYTES = 64L << 10;
  private static final long MIN_CAPPED_WINDOW = 64L << 10;

  /**
   * The downloader's settings.
   *
   * @param client the HTTP client
   * @param retryPolicy the retry policy
   * @param clock the clock for deadlines, throughput and progress
   * @param minBytesPerSecond the minimum throughput over a window; 0 disables the check
   * @param throughputWindow the window of the throughput check
   * @param deadline the overall time limit of one download call
   * @param maxBytesPerSecond the bandwidth cap; 0 for none
   * @param requestTimeout the time limit until response headers arrive
   * @param checkpointInterval how often progress is made durable
   * @param progressInterval how often progress events are sent
   * @param headers extra request headers for a URI (for example authorization)
   * @param flushExecutor runs the periodic forcing of the partial file while the download goes on,
   *     or {@code null} for one thread of the job's own
   */
  public record Settings(
      HttpClient client,
      RetryPolicy retryPolicy,
      Clock clock,
      long minBytesPerSecond,
      Duration throughputWindow,
      Duration deadline,
      long maxBytesPerSecond,
      Duration requestTimeout,
      Duration checkpointInterval,
      Duration progressInterval,
      Function<URI, Map<String, String>> headers,
      Executor flushExecutor) {}

  private final Settings settings;
  private final Clock clock;
  private final ArtifactRequest request;
  private final Path target;
  private final Path partial;
  private final Path sidecar;
  private final DownloadProgress.Listener listener;
  private final String what;
  private final MessageDigest digest;

  private FileChannel channel;
  private long offset;
  private long durableOffset;
  private Executor flushExecutor;
  private ExecutorService ownExecutor;
  private CompletableFuture<Long> flushing;
  private long bestDurableOffset;
  private Validator validator;
  private Instant deadline;
  private Instant lastCheckpoint;
  private Instant lastProgressAt;
  private long lastProgressBytes;
  private double smoothedRate;
  private boolean listenerFailed;
  private String mismatchedDigest;

  /**
   * Creates a job.
   *
   * @param settings the downloader's settings
   * @param request what to download
   * @param target where the verified file goes
   * @param listener receives progress events
   */
  public DownloadJob(
      Settings settings, ArtifactRequest request, Path target, DownloadProgress.Listener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = settings.clock();
    this.request = Objects.requireNonNull(request, "request");
    this.target = Objects.requireNonNull(target, "target").toAbsolutePath();
    this.partial = this.target.resolveSibling(this.target.getFileName() + ".part");
    this.sidecar = this.target.resolveSibling(this.target.getFileName() + ".part.json");
    this.listener = listener == null ? DownloadProgress.Listener.none() : listener;
    this.what = "download of " + Uris.redact(request.uri());
    this.digest = newDigest();
  }

  /**
   * Returns the partial file a job for {@code target} writes to.
   *
   * @param target the target file
   * @return the partial file's path
   */
  public static Path partialFileOf(Path target) {
    Path t = target.toAbsolutePath();
    return t.resolveSibling(t.getFileName() + ".part");
  }

  /**
   * Returns the sidecar a job for {@code target} writes to.
   *
   * @param target the target file
   * @return the sidecar's path
   */
  public static Path sidecarOf(Path target) {
    Path t = target.toAbsolutePath();
    return t.resolveSibling(t.getFileName() + ".part.json");
  }

  /**
   * Runs the download.
   *
   * @return the target, holding exactly the requested bytes
   * @throws OtaException with a download reason code; the target is then absent
   */
  public Path run() {
    validateRequest();
    deadline = clock.instant().plus(settings.deadline());
    flushExecutor = settings.flushExecutor();
    try {
      Files.createDirectories(target.getParent());
      if (targetAlreadyVerified()) {
        return target;
      }
      openPartial();
      if (offset == request.size()) {
        LOG.info("{}: partial file already holds {} bytes; verifying it", what, offset);
        Path done = finishIfVerified();
        if (done != null) {
          return done;
        }
        LOG.warn("{}: the complete partial file does not verify; starting over", what);
        restart();
      }
      RetryRunner runner = new RetryRunner(settings.retryPolicy(), clock);
      return runner.run(what, deadline, this::attempt);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR,
          partial.toString(),
          what + ": expected to write " + partial + ", failed: " + e,
          e);
    } finally {
      awaitFlushQuietly();
      closeChannel();
      removeEmptyPartial();
      if (ownExecutor != null) {
        ownExecutor.shutdown();
      }
    }
  }

  /** Removes a partial file that never received a byte, so that failures leave no litter. */
  private void removeEmptyPartial() {
    try {
      if (Files.isRegularFile(partial, LinkOption.NOFOLLOW_LINKS)
          && Files.size(partial) == 0
          && !Files.exists(sidecar, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(partial);
      }
    } catch (IOException e) {
      LOG.debug("{}: could not remove the empty {}: {}", what, partial, e.toString());
    }
  }

  /**
   * Keeps a target that already holds the requested bytes (for example after a power cut between
   * the rename and the removal of the sidecar). Another regular file there is left alone until
   * verified bytes replace it by the final rename, so a failed download destroys nothing; anything
   * but a regular file (a symbolic link, a directory, a device, a FIFO) is refused, never replaced.
   */
  private boolean targetAlreadyVerified() throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          target.toString(),
          what
              + ": expected a regular file or nothing at "
              + target
              + ", found "
              + kindOf(target)
              + "; it is left as it is");
    }
    if (Files.size(target) == request.size()) {
      MessageDigest md = newDigest();
      try (FileChannel ch =
          FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.allocate(HASH_BUFFER);
        while (ch.read(buf) >= 0) {
          buf.flip();
          md.update(buf);
          buf.clear();
        }
      }
      if (HexFormat.of().formatHex(md.digest()).equals(request.sha256())) {
        Files.deleteIfExists(sidecar);
        Files.deleteIfExists(partial);
        LOG.info("{}: {} already holds the expected bytes; nothing to fetch", what, target);
        return true;
      }
    }
    return false;
  }

  private static String kindOf(Path p) {
    if (Files.isSymbolicLink(p)) {
      return "a symbolic link";
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "a directory";
    }
    return "a file that is not a regular file (device, FIFO or socket)";
  }

  /**
   * Opens the partial file without following a symbolic link: one planted at that name would
   * otherwise make the download truncate and overwrite whatever it points to. A link there is
   * removed (the name is the downloader's own); any other non-regular file is refused.
   */
  private FileChannel openPartialChannel() throws IOException {
    if (Files.isSymbolicLink(partial)) {
      LOG.warn(
          "{}: {} is a symbolic link; removing the link, not what it points to", what, partial);
      Files.delete(partial);
    } else if (Files.exists(partial, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(partial, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(partial + " is " + kindOf(partial) + ", not a partial download");
    }
    return FileChannel.open(
        partial,
        StandardOpenOption.CREATE,
        StandardOpenOption.READ,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private void validateRequest() {
    if (request.size() < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(request.size()),
          "artifact size: expected a non-negative byte count, found " + request.size());
    }
    if (!SHA256_HEX.matcher(request.sha256()).matches()) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          request.sha256(),
          "artifact sha256: expected 64 lower-case hex digits, found '" + request.sha256() + "'");
    }
    String scheme = request.uri().getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Uris.redact(request.uri()),
          "artifact uri: expected an absolute http or https URI, found "
              + Uris.redact(request.uri()));
    }
  }

  private void openPartial() throws IOException {
    PartialState state = PartialState.read(sidecar).orElse(null);
    channel = openPartialChannel();
    long onDisk = channel.size();
    if (state != null
        && state.sha256().equals(request.sha256())
        && state.size() == request.size()
        && state.offset() <= request.size()
        && state.offset() <= onDisk) {
      channel.truncate(state.offset());
      offset = state.offset();
      durableOffset = offset;
      bestDurableOffset = offset;
      validator = state.validatorRecord();
      hashPrefix();
      LOG.info("{}: resuming at byte {} of {}", what, offset, request.size());
    } else {
      if (onDisk > 0 || state != null) {
        LOG.info("{}: discarding partial data that no valid sidecar vouches for", what);
      }
      restart();
    }
    lastCheckpoint = clock.instant();
    lastProgressAt = lastCheckpoint;
    lastProgressBytes = offset;
  }

  private void hashPrefix() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(HASH_BUFFER);
    long pos = 0;
    while (pos < offset) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), offset - pos));
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException("partial file ended at " + pos + ", expected " + offset + " bytes");
      }
      buf.flip();
      digest.update(buf);
      pos += n;
    }
  }

  private void restart() throws IOException {
    awaitFlush();
    if (channel == null) {
      channel = openPartialChannel();
    }
    channel.truncate(0);
    digest.reset();
    offset = 0;
    durableOffset = 0;
    validator = null;
    Files.deleteIfExists(sidecar);
  }

  private Path attempt() {
    checkDeadline();
    try {
      if (offset > 0 && validator == null) {
        LOG.warn("{}: no strong validator recorded; cannot resume safely, starting over", what);
        restart();
      }
      boolean ranged = offset > 0;
      HttpRequest.Builder rb =
          HttpRequest.newBuilder(request.uri())
              .GET()
              .timeout(settings.requestTimeout())
              .header("Accept-Encoding", "identity");
      settings.headers().apply(request.uri()).forEach(rb::header);
      if (ranged) {
        rb.header("Range", "bytes=" + offset + "-").header("If-Range", validator.value());
      }
      HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = send(rb.build());
      BodyQueue body = new BodyQueue(window());
      response.body().subscribe(body);
      try {
        return handle(response, body, ranged);
      } finally {
        body.cancel();
      }
    } catch (IOException e) {
      throw AttemptFailure.fatal(
          new OtaException(
              ReasonCode.IO_ERROR,
              partial.toString(),
              what + ": expected to write " + partial + ", failed: " + e,
              e));
    }
  }

  /**
   * Returns how many bytes may be read ahead of the writer: with a bandwidth cap only about a
   * quarter second's worth, so that the client does not pull a burst from the network ahead of the
   * cap.
   */
  private long window() {
    long cap = settings.maxBytesPerSecond();
    if (cap <= 0) {
      return BodyQueue.WINDOW_BYTES;
    }
    return Math.max(MIN_CAPPED_WINDOW, Math.min(BodyQueue.WINDOW_BYTES, cap / 4));
  }

  private HttpResponse<Flow.Publisher<List<ByteBuffer>>> send(HttpRequest req) {
    try {
      return settings.client().send(req, HttpResponse.BodyHandlers.ofPublisher());
    } catch (HttpTimeoutException e) {
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.TRANSPORT_ERROR,
              String.valueOf(settings.requestTimeout()),
              what
                  + ": expected response headers within "
                  + settings.requestTimeout()
                  + ", found none",
              e));
    } catch (IOException e) {
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.TRANSPORT_ERROR,
              Uris.redact(request.uri()),
              what + ": expected a connection and an answer, failed: " + e,
              e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AttemptFailure.fatal(interrupted());
    }
  }

  private Path handle(
      HttpResponse<Flow.Publisher<List<ByteBuffer>>> response, BodyQueue body, boolean ranged)
      throws IOException {
    int status = response.statusCode();
    checkEncoding(response);
    if (status == 200) {
      if (ranged) {
        LOG.warn(
            "{}: asked for bytes from {} but the server sent the whole file; starting over",
            what,
            offset);
        restart();
      }
      checkFullLength(response);
      validator = Validator.of(response.headers()).orElse(null);
      return receive(body, request.size());
    }
    if (status == 206) {
      return receivePartial(response, body, ranged);
    }
    if (status == 416) {
      return rangeNotSatisfiable(response);
    }
    throw HttpStatuses.failure(status, response.headers(), what, clock);
  }

  private void checkEncoding(HttpResponse<?> response) {
    String enc = response.headers().firstValue("Content-Encoding").orElse("identity").trim();
    if (!enc.isEmpty() && !enc.equalsIgnoreCase("identity")) {
      throw AttemptFailure.fatal(
          new OtaException(
              ReasonCode.HTTP_PROTOCOL,
              enc,
              what
                  + ": expected the artifact's bytes unencoded (identity was asked), found"
                  + " Content-Encoding '"
                  + enc
                  + "'"));
    }
  }

  private void checkFullLength(HttpResponse<?> response) throws IOException {
    OptionalLong length = contentLength(response);
    if (length.isEmpty() || length.getAsLong() == request.size()) {
      return;
    }
    long found = length.getAsLong();
    discard();
    if (found > request.size()) {
      throw AttemptFailure.fatal(tooLarge("Content-Length " + found));
    }
    throw AttemptFailure.fatal(
        new OtaException(
            ReasonCode.PAYLOAD_MISMATCH,
            String.valueOf(found),
            what
                + ": expected Content-Length "
                + request.size()
                + " (expected size), found "
                + found));
  }

  private Path receivePartial(
      HttpResponse<Flow.Publisher<List<ByteBuffer>>> response, BodyQueue body, boolean ranged)
      throws IOException {
    String header = response.headers().firstValue("Content-Range").orElse(null);
    ContentRange range = ContentRange.parse(header);
    if (!ranged || range == null || range.unsatisfied() || range.first() != offset) {
      String expected =
          ranged
              ? "Content-Range bytes " + offset + "-…/" + request.size()
              : "no partial answer to a request without Range";
      LOG.warn(
          "{}: 206 with Content-Range '{}' does not answer the request ({}); starting over",
          what,
          header,
          expected);
      restart();
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.HTTP_PROTOCOL,
              String.valueOf(header),
              what + ": expected " + expected + ", found 206 with Content-Range '" + header + "'"));
    }
    if (range.total() >= 0 && range.total() != request.size()) {
      discard();
      throw AttemptFailure.fatal(
          new OtaException(
              ReasonCode.PAYLOAD_MISMATCH,
              header,
              what
                  + ": expected a total of "
                  + request.size()
                  + " bytes (expected size),"
                  + " found Content-Range '"
                  + header
                  + "'"));
    }
    OptionalLong length = contentLength(response);
    if (length.isPresent() && length.getAsLong() != range.length()) {
      restart();
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.HTTP_PROTOCOL,
              String.valueOf(length.getAsLong()),
              what
                  + ": expected Content-Length "
                  + range.length()
                  + " for '"
                  + header
                  + "', found "
                  + length.getAsLong()));
    }
    String now = validator.counterpartIn(response.headers()).orElse(null);
    if (now != null && !now.equals(validator.value())) {
      String was = validator.value();
      LOG.warn("{}: validator changed from {} to {}; starting over", what, was, now);
      restart();
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.VALIDATOR_CHANGED,
              now,
              what + ": expected validator " + was + " to hold across attempts, found " + now));
    }
    return receive(body, range.last() + 1);
  }

  private Path rangeNotSatisfiable(HttpResponse<?> response) throws IOException {
    String header = response.headers().firstValue("Content-Range").orElse(null);
    ContentRange range = ContentRange.parse(header);
    if (range != null && range.unsatisfied() && range.total() != request.size()) {
      discard();
      throw AttemptFailure.fatal(
          new OtaException(
              ReasonCode.PAYLOAD_MISMATCH,
              header,
              what
                  + ": expected the server's file to hold "
                  + request.size()
                  + " bytes (expected size), found 416 with Content-Range '"
                  + header
                  + "'"));
    }
    LOG.warn(
        "{}: 416 for bytes from {} with Content-Range '{}'; starting over", what, offset, header);
    long asked = offset;
    restart();
    throw AttemptFailure.retryable(
        new OtaException(
            ReasonCode.HTTP_PROTOCOL,
            String.valueOf(header),
            what
                + ": expected bytes from "
                + asked
                + " of "
                + request.size()
                + " to be satisfiable, found 416 with Content-Range '"
                + header
                + "'"));
  }

  private Path receive(BodyQueue body, long end) throws IOException {
    Instant started = clock.instant();
    long startOffset = offset;
    Instant windowStart = started;
    long windowBytes = offset;
    lastProgressAt = started;
    lastProgressBytes = offset;
    Duration tick = pollTick();
    List<Object> batch = BodyQueue.newBatch();
    while (true) {
      batch.clear();
      try {
        body.pollAll(tick, batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        saveProgress();
        throw AttemptFailure.fatal(interrupted());
      }
      Instant now = clock.instant();
      if (now.isAfter(deadline)) {
        saveProgress();
        throw AttemptFailure.fatal(deadlinePassed());
      }
      if (settings.minBytesPerSecond() > 0
          && Duration.between(windowStart, now).compareTo(settings.throughputWindow()) >= 0) {
        double seconds = Duration.between(windowStart, now).toNanos() / 1e9;
        double rate = (offset - windowBytes) / seconds;
        if (rate < settings.minBytesPerSecond()) {
          throw failWithProgress(
              new OtaException(
                  ReasonCode.DOWNLOAD_TOO_SLOW,
                  String.format(Locale.ROOT, "%.0f", rate),
                  what
                      + ": expected at least "
                      + settings.minBytesPerSecond()
                      + " bytes/s over "
                      + settings.throughputWindow()
                      + ", found "
                      + String.format(Locale.ROOT, "%.1f", rate)
                      + " bytes/s"));
        }
        windowStart = now;
        windowBytes = offset;
      }
      if (batch.isEmpty()) {
        continue;
      }
      boolean ended = false;
      for (Object item : batch) {
        if (item == BodyQueue.END) {
          ended = true;
          break;
        }
        if (item instanceof Throwable t) {
          throw failWithProgress(
              new OtaException(
                  ReasonCode.DOWNLOAD_TRUNCATED,
                  String.valueOf(offset),
                  what
                      + ": expected "
                      + request.size()
                      + " bytes, the connection failed after "
                      + offset
                      + ": "
                      + t,
                  t));
        }
        @SuppressWarnings("unchecked")
        List<ByteBuffer> buffers = (List<ByteBuffer>) item;
        long bytes = 0;
        for (ByteBuffer b : buffers) {
          bytes += b.remaining();
          write(b, end);
        }
        body.consumed(bytes);
      }
      throttle(started, startOffset);
      if (ended) {
        return endOfBody(end);
      }
      body.requestMore();
      maybeCheckpoint();
      maybeProgress(false);
    }
  }

  private Path endOfBody(long end) throws IOException {
    if (offset == request.size()) {
      Path done = finishIfVerified();
      if (done == null) {
        throw AttemptFailure.fatal(
            new OtaException(
                ReasonCode.PAYLOAD_MISMATCH,
                mismatchedDigest,
                what
                    + ": expected SHA-256 "
                    + request.sha256()
                    + ", found "
                    + mismatchedDigest
                    + " over "
                    + request.size()
                    + " bytes"));
      }
      return done;
    }
    String expected = end < request.size() ? "the range up to byte " + end : "all bytes";
    throw failWithProgress(
        new OtaException(
            ReasonCode.DOWNLOAD_TRUNCATED,
            String.valueOf(offset),
            what
                + ": expected "
                + expected
                + " ("
                + request.size()
                + " in total), the body"
                + " ended at byte "
                + offset));
  }

  private void write(ByteBuffer b, long end) throws IOException {
    int n = b.remaining();
    if (offset + n > request.size()) {
      long found = offset + n;
      discard();
      throw AttemptFailure.fatal(tooLarge("at least " + found + " bytes"));
    }
    if (offset + n > end) {
      restart();
      throw AttemptFailure.retryable(
          new OtaException(
              ReasonCode.HTTP_PROTOCOL,
              String.valueOf(offset + n),
              what + ": expected the partial answer to end at byte " + end + ", found more"));
    }
    digest.update(b.duplicate());
    long pos = offset;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
    offset = pos;
  }

  private void throttle(Instant started, long startOffset) {
    long cap = settings.maxBytesPerSecond();
    if (cap <= 0) {
      return;
    }
    long sent = offset - startOffset;
    long dueNanos = (long) (sent * 1e9 / cap);
    long elapsed = Duration.between(started, clock.instant()).toNanos();
    if (dueNanos > elapsed) {
      try {
        settings.retryPolicy().sleeper().sleep(Duration.ofNanos(dueNanos - elapsed));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        saveProgressQuietly();
        throw AttemptFailure.fatal(interrupted());
      }
    }
  }

  /**
   * Starts making progress durable in the background when due, so that the disk writes back while
   * the network keeps delivering; at most one such flush runs at a time, and every step that
   * truncates, deletes, renames or closes waits for it first.
   */
  private void maybeCheckpoint() throws IOException {
    if (flushing != null) {
      if (!flushing.isDone()) {
        return;
      }
      awaitFlush();
    }
    Instant now = clock.instant();
    if (validator == null
        || offset - durableOffset < MIN_CHECKPOINT_BYTES
        || Duration.between(lastCheckpoint, now).compareTo(settings.checkpointInterval()) < 0) {
      return;
    }
    lastCheckpoint = now;
    PartialState state =
        new PartialState(
            PartialState.FORMAT,
            request.sha256(),
            request.size(),
            offset,
            validator.kind(),
            validator.value());
    FileChannel ch = channel;
    flushing =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                ch.force(false);
                state.write(sidecar);
                return state.offset();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            executor());
  }

  private Executor executor() {
    if (flushExecutor == null) {
      ownExecutor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ota-download-flush");
                t.setDaemon(true);
                return t;
              });
      flushExecutor = ownExecutor;
    }
    return flushExecutor;
  }

  private void awaitFlush() throws IOException {
    CompletableFuture<Long> f = flushing;
    if (f == null) {
      return;
    }
    flushing = null;
    try {
      durableOffset = Math.max(durableOffset, f.join());
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("flushing " + partial + " failed", cause);
    }
  }

  private void awaitFlushQuietly() {
    try {
      awaitFlush();
    } catch (IOException e) {
      LOG.warn("{}: could not record progress: {}", what, e.toString());
    }
  }

  private void saveProgress() throws IOException {
    awaitFlush();
    lastCheckpoint = clock.instant();
    if (validator == null || offset == durableOffset) {
      return;
    }
    channel.force(false);
    new PartialState(
            PartialState.FORMAT,
            request.sha256(),
            request.size(),
            offset,
            validator.kind(),
            validator.value())
        .write(sidecar);
    durableOffset = offset;
    LOG.debug("{}: {} bytes durable", what, offset);
  }

  private void saveProgressQuietly() {
    try {
      saveProgress();
    } catch (IOException e) {
      LOG.warn("{}: could not record progress: {}", what, e.toString());
    }
  }

  private AttemptFailure failWithProgress(OtaException failure) {
    saveProgressQuietly();
    AttemptFailure f = AttemptFailure.retryable(failure);
    if (validator != null && durableOffset > bestDurableOffset) {
      bestDurableOffset = durableOffset;
      return f.withProgress();
    }
    return f;
  }

  private void maybeProgress(boolean last) {
    Instant now = clock.instant();
    Duration since = Duration.between(lastProgressAt, now);
    if (!last && since.compareTo(settings.progressInterval()) < 0) {
      return;
    }
    double seconds = since.toNanos() / 1e9;
    if (seconds > 0) {
      double rate = (offset - lastProgressBytes) / seconds;
      smoothedRate = smoothedRate == 0 ? rate : 0.7 * smoothedRate + 0.3 * rate;
    }
    lastProgressAt = now;
    lastProgressBytes = offset;
    Duration eta =
        smoothedRate > 0
            ? Duration.ofMillis((long) ((request.size() - offset) * 1000 / smoothedRate))
            : (offset == request.size() ? Duration.ZERO : null);
    try {
      listener.onProgress(new DownloadProgress(offset, request.size(), smoothedRate, eta));
    } catch (RuntimeException e) {
      if (!listenerFailed) {
        listenerFailed = true;
        LOG.warn("{}: progress listener threw; its events are still sent: {}", what, e.toString());
      }
    }
  }

  private Path finishIfVerified() throws IOException {
    awaitFlush();
    channel.force(true);
    MessageDigest copy;
    try {
      copy = (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests of the JDK are cloneable", e);
    }
    String actual = HexFormat.of().formatHex(copy.digest());
    if (offset != request.size() || !actual.equals(request.sha256())) {
      mismatchedDigest = actual;
      LOG.warn("{}: SHA-256 {} does not match the expected {}", what, actual, request.sha256());
      discard();
      return null;
    }
    closeChannel();
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + partial + " atomically to " + target, e);
    }
    FileSync.directory(target.getParent());
    Files.deleteIfExists(sidecar);
    maybeProgress(true);
    LOG.info("{}: verified {} bytes, SHA-256 {}; moved into place", what, offset, actual);
    return target;
  }

  private void discard() throws IOException {
    awaitFlushQuietly();
    closeChannel();
    Files.deleteIfExists(sidecar);
    Files.deleteIfExists(partial);
    FileSync.directory(partial.getParent());
    digest.reset();
    offset = 0;
    durableOffset = 0;
    validator = null;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("{}: closing {} failed: {}", what, partial, e.toString());
      }
      channel = null;
    }
  }

  private void checkDeadline() {
    if (clock.instant().isAfter(deadline)) {
      throw AttemptFailure.fatal(deadlinePassed());
    }
  }

  private OtaException deadlinePassed() {
    return new OtaException(
        ReasonCode.DOWNLOAD_DEADLINE,
        String.valueOf(settings.deadline()),
        what
            + ": expected to finish within "
            + settings.deadline()
            + ", found "
            + offset
            + " of "
            + request.size()
            + " bytes at the deadline");
  }

  private OtaException tooLarge(String found) {
    return new OtaException(
        ReasonCode.DOWNLOAD_TOO_LARGE,
        found,
        what
            + ": expected at most "
            + request.size()
            + " bytes (expected size), found "
            + found
            + "; partial data deleted");
  }

  private OtaException interrupted() {
    return new OtaException(
        ReasonCode.TRANSPORT_ERROR, null, what + ": expected to run to the end, was interrupted");
  }

  private Duration pollTick() {
    Duration quarter = settings.throughputWindow().dividedBy(4);
    return quarter.compareTo(MAX_POLL) < 0 && !quarter.isZero() ? quarter : MAX_POLL;
  }

  private static OptionalLong contentLength(HttpResponse<?> response) {
    return response.headers().firstValueAsLong("Content-Length");
  }
}
