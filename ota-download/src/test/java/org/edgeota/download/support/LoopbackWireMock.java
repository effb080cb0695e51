package org.edgeota.download.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/** Starts WireMock servers the download tests script: on 127.0.0.1 only, on a free port. */
public final class LoopbackWireMock {
  private LoopbackWireMock() {}

  /**
   * Starts a server.
   *
   * @return the running server; the caller stops it
   */
  public static WireMockServer start() {
    WireMockServer server =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    return server;
  }
}
