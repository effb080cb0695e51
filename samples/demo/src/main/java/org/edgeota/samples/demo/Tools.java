package org.edgeota.samples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds and runs the real command-line tools the demo builds images with and checks against. */
final class Tools {
  private static final List<String> SEARCH =
      List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin");

  private Tools() {}

  /** The result of a tool run: exit status and merged output. */
  record Run(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  /**
   * Returns the path of a tool found on {@code PATH} or in the usual system directories ({@code
   * mke2fs} lives in {@code /usr/sbin}, which is not on every user's {@code PATH}).
   */
  static Optional<Path> find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(SEARCH);
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Runs a command to completion (at most a minute) and returns its status and output. */
  static Run run(Map<String, String> env, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(1, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Run(-1, "timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs a command and fails with its output if it exits with a non-zero status. */
  static String runOrFail(Map<String, String> env, List<String> command) throws IOException {
    Run r = run(env, command);
    if (!r.ok()) {
      throw new IOException(
          String.join(" ", command) + " exited with " + r.exit() + ": " + r.output().strip());
    }
    return r.output();
  }
}
