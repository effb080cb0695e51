package org.edgeota.download.internal;

import java.net.URI;

/** Renders URIs for logs and messages without the parts that may carry credentials. */
public final class Uris {
  private Uris() {}

  /**
   * Returns the URI without user info, query and fragment (a signed URL keeps its signature in the
   * query).
   *
   * @param uri the URI
   * @return scheme, host, port and path only
   */
  public static String redact(URI uri) {
    if (uri == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append("?…");
    }
    return sb.toString();
  }

  /**
   * Tells whether two URIs share scheme, host and port (the origin a credential is meant for).
   *
   * @param a one URI
   * @param b the other URI
   * @return {@code true} for the same origin
   */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
