package org.edgeota.samples.controller;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.manifest.SignedManifest;
import org.edgeota.manifest.TrustStore;
import org.edgeota.rollout.AdminApi;
import org.edgeota.rollout.ControllerMetrics;
import org.edgeota.rollout.ControllerStore;
import org.edgeota.rollout.DeviceApi;
import org.edgeota.rollout.ReleaseVerifier;
import org.edgeota.rollout.RolloutEngine;
import org.edgeota.rollout.RolloutScheduler;
import org.edgeota.rollout.RolloutStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference controller: the rollout engine of {@code ota-rollout} behind an embedded Jetty 12
 * server, with the device API, the admin API, the artifacts and {@code /metrics}.
 *
 * <p>Start it with {@link #start(ControllerConfig, Clock)} (in-process, as the demo does) or from
 * the command line with {@link ControllerMain}. Closing it stops the server, the scheduler and the
 * store.
 */
public final class ControllerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

  /** The database file of the embedded store inside the data directory. */
  public static final String EMBEDDED_DB = "controller.db";

  private final Server server;
  private final ControllerStore store;
  private final ScheduledExecutorService ticker;
  private final RolloutScheduler scheduler;
  private final RolloutEngine engine;
  private final URI baseUri;

  private ControllerServer(
      Server server,
      ControllerStore store,
      ScheduledExecutorService ticker,
      RolloutScheduler scheduler,
      RolloutEngine engine,
      URI baseUri) {
    this.server = server;
    this.store = store;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.engine = engine;
    this.baseUri = baseUri;
  }

  /**
   * Opens the store, starts the HTTP server and the rollout scheduler.
   *
   * @param config the settings
   * @param clock the time source of the engine
   * @return the running controller
   * @throws OtaException {@link ReasonCode#TRUST_STORE_INVALID} or {@link ReasonCode#IO_ERROR} for
   *     an unusable trust store, {@link ReasonCode#STORE_ERROR} when the store cannot be opened,
   *     {@link ReasonCode#IO_ERROR} when the server cannot listen
   */
  public static ControllerServer start(ControllerConfig config, Clock clock) {
    TrustStore trust = TrustStore.read(config.trustStore());
    ReleaseVerifier verifier =
        bytes -> {
          SignedManifest m = SignedManifest.parse(bytes);
          trust.verifyManifest(m, clock);
          return m.release();
        };
    ControllerStore store = openStore(config);
    ScheduledExecutorService ticker = null;
    RolloutScheduler scheduler = null;
    Server server = null;
    try {
      Files.createDirectories(config.artifactDir());
      RolloutEngine engine = new RolloutEngine(store, clock, verifier);
      QueuedThreadPool threads = new QueuedThreadPool(64, 8);
      threads.setName("controller-http");
      server = new Server(threads);
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost(config.bindAddress());
      connector.setPort(config.port());
      connector.setAcceptQueueSize(1024);
      server.addConnector(connector);
      ControllerHandler handler =
          new ControllerHandler(engine, config, new ArtifactHandler(ResourceFactory.of(server)));
      server.setHandler(handler);
      server.setErrorHandler(new JsonErrorHandler());
      server.start();
      String host =
          config.bindAddress().contains(":")
              ? "[" + config.bindAddress() + "]"
              : config.bindAddress();
      if ("0.0.0.0".equals(host) || "[::]".equals(host)) {
        host = "127.0.0.1";
        if (config.publicUrl() == null) {
          LOG.warn(
              "listening on all addresses without public.url: artifact links name 127.0.0.1,"
                  + " which only devices on this machine can reach");
        }
      }
      URI base =
          URI.create(
              config.publicUrl() != null
                  ? config.publicUrl()
                  : "http://" + host + ":" + connector.getLocalPort());
      handler.bind(
          new DeviceApi(engine, base.toString(), config.pollInterval()),
          new AdminApi(engine, config.adminToken(), new SecureRandom()),
          new ControllerMetrics(engine));
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rollout-tick");
                t.setDaemon(true);
                return t;
              });
      scheduler = RolloutScheduler.start(engine, ticker, config.tickInterval());
      LOG.info(
          "controller listening on {}:{} (store {}, artifacts {})",
          config.bindAddress(),
          connector.getLocalPort(),
          config.embeddedStore() ? "embedded" : "postgresql",
          config.artifactDir());
      return new ControllerServer(server, store, ticker, scheduler, engine, base);
    } catch (Exception e) {
      stopQuietly(server, scheduler, ticker, store);
      if (e instanceof OtaException oe) {
        throw oe;
      }
      throw new OtaException(
          ReasonCode.IO_ERROR,
          config.bindAddress() + ":" + config.port(),
          "controller: cannot start on " + config.bindAddress() + ":" + config.port() + ": " + e,
          e);
    }
  }

  private static ControllerStore openStore(ControllerConfig config) {
    if (config.embeddedStore()) {
      try {
        Files.createDirectories(config.dataDir());
      } catch (java.io.IOException e) {
        throw new OtaException(
            ReasonCode.IO_ERROR,
            config.dataDir().toString(),
            "data.dir: cannot create " + config.dataDir() + ": " + e,
            e);
      }
      return RolloutStores.embedded(config.dataDir().resolve(EMBEDDED_DB));
    }
    return RolloutStores.postgres(
        config.store(), config.storeUser(), config.storePassword(), config.storeConnections());
  }

  /**
   * Returns the base URL devices and administrators use.
   *
   * @return for example {@code http://127.0.0.1:8080}
   */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * Returns the TCP port the server listens on (the chosen one when the configured port was 0).
   *
   * @return the port
   */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /**
   * Returns the rollout engine, for in-process callers that want to read state directly.
   *
   * @return the engine
   */
  public RolloutEngine engine() {
    return engine;
  }

  /**
   * Blocks until the server stops.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops the server, the scheduler and the store. */
  @Override
  public void close() {
    stopQuietly(server, scheduler, ticker, store);
    LOG.info("controller stopped");
  }

  private static void stopQuietly(
      Server server,
      RolloutScheduler scheduler,
      ScheduledExecutorService ticker,
      ControllerStore store) {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        LOG.warn("stopping the HTTP server failed: {}", e.toString());
      }
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the store failed: {}", e.toString());
      }
    }
  }

  static Path requireInside(Path root, String relative) {
    Path r = root.toAbsolutePath().normalize();
    Path p = r.resolve(relative).normalize();
    if (!p.startsWith(r) || p.equals(r)) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          relative,
          "path: expected a directory inside the artifact directory, found '" + relative + "'");
    }
    return p;
  }
}
