package org.edgeota.health.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgeota.health.CommandRunner;

/**
 * Runs a real process with standard input closed and standard error merged into standard output.
 *
 * <p>The output is drained by one short-lived daemon thread per command so that a chatty program
 * never blocks on a full pipe; only its first {@link #MAX_OUTPUT_BYTES} bytes are kept. At the
 * timeout, or when the calling thread is interrupted, the program and its descendants are killed.
 */
public final class SystemCommandRunner implements CommandRunner {

  /** How much of a program's output is kept. */
  static final int MAX_OUTPUT_BYTES = 4096;

  /** How long to wait for the output of a finished program to drain. */
  private static final long DRAIN_MILLIS = 1000;

  @Override
  public Outcome run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    OutputCollector collector = new OutputCollector(process.getInputStream());
    Thread drain = new Thread(collector, "ota-health-command-output");
    drain.setDaemon(true);
    drain.start();
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(process);
        drain.join(DRAIN_MILLIS);
        return new Outcome(-1, true, collector.text());
      }
      drain.join(DRAIN_MILLIS);
      return new Outcome(process.exitValue(), false, collector.text());
    } finally {
      if (process.isAlive()) {
        kill(process);
      }
    }
  }

  private static void kill(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** Keeps the first bytes of a stream and discards the rest until it ends. */
  private static final class OutputCollector implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    OutputCollector(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[1024];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (kept) {
            int room = MAX_OUTPUT_BYTES - kept.size();
            if (room > 0) {
              kept.write(buffer, 0, Math.min(room, n));
            }
          }
        }
      } catch (IOException e) {
        // The pipe closes when the process is killed; what was read so far is kept.
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
