package org.edgeota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.edgeota.api.spi.DownloadProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ota fetch} against a real HTTP server on loopback (the JDK's). */
class FetchCommandTest {
  @TempDir Path dir;

  private final byte[] data = new byte[100_000];
  private final CliRun cli = CliRun.keepingOutput();
  private HttpServer server;
  private String base;

  @BeforeEach
  void start() throws Exception {
    new Random(3).nextBytes(data);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fw.bin",
        ex -> {
          ex.getResponseHeaders().add("ETag", "\"fw\"");
          ex.sendResponseHeaders(200, data.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(data);
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Runs {@code ota fetch url --size size --sha256 sha256 --out out options...}. */
  private int fetch(String url, String size, String sha256, String out, String... options) {
    return cli.run(
        CliRun.concat(
            new String[] {"fetch", url, "--size", size, "--sha256", sha256, "--out", out},
            options));
  }

  private String sha() throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void fetch_matchingSizeAndDigest_writesFileAndExitsZero() throws Exception {
    Path target = dir.resolve("fw.bin");

    int status =
        fetch(
            base + "/fw.bin",
            String.valueOf(data.length),
            sha(),
            target.toString(),
            "--max-rate",
            "10M");

    assertThat(status).isZero();
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(cli.out()).contains("100000 bytes").contains(sha());
  }

  @Test
  void fetch_wrongDigest_exitsThreeAndLeavesNoFile() throws Exception {
    Path target = dir.resolve("fw.bin");

    int status =
        fetch(base + "/fw.bin", String.valueOf(data.length), "0".repeat(64), target.toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_VERIFICATION_FAILED);
    assertThat(target).doesNotExist();
    assertThat(cli.err()).contains("PAYLOAD_MISMATCH");
  }

  @Test
  void fetch_missingFile_exitsFourWithoutRetrying() throws Exception {
    int status = fetch(base + "/nothing.bin", "10", sha(), dir.resolve("x").toString());

    assertThat(status).isEqualTo(OtaCli.EXIT_IO);
    assertThat(cli.err()).contains("404");
  }

  @Test
  void fetch_malformedMaxRate_exitsTwo() throws Exception {
    int status =
        fetch(base + "/fw.bin", "1", sha(), dir.resolve("x").toString(), "--max-rate", "fast");

    assertThat(status).isEqualTo(OtaCli.EXIT_INVALID_INPUT);
    assertThat(cli.err()).contains("--max-rate").contains("fast");
  }

  @Test
  void parseRate_suffixes_arePowersOf1024() {
    assertThat(FetchCommand.parseRate("500k")).isEqualTo(512_000);
    assertThat(FetchCommand.parseRate("2M")).isEqualTo(2L << 20);
    assertThat(FetchCommand.parseRate("2MiB/s")).isEqualTo(2L << 20);
    assertThat(FetchCommand.parseRate("1234")).isEqualTo(1234);
  }

  @Test
  void render_halfDone_drawsHalfABarWithRateAndEta() {
    DownloadProgress p = new DownloadProgress(1 << 20, 2 << 20, 512 * 1024, Duration.ofSeconds(2));

    String line = FetchCommand.render(p, 10);

    assertThat(line).isEqualTo("[#####     ]  50%  1.0 MiB/2.0 MiB  512.0 KiB/s  ETA 0:02");
  }
}
