package org.edgeota.samples.controller;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Serves payload files with Jetty's own resource handling: {@code Range} (206, multi-range, 416),
 * {@code ETag}, {@code Last-Modified}, conditional requests and {@code HEAD} come from {@link
 * ResourceService}, not from code of this project.
 *
 * <p>Note: Jetty 12.1's {@code ResourceService} does not evaluate {@code If-Range}; {@link
 * #applyIfRange} adds exactly that precondition (drop {@code Range} unless the validator matches),
 * so a client resuming a file that changed gets the whole new file rather than a spliced one.
 *
 * <p>The caller decides which directory a file may come from (the release assigned to the device);
 * this class only refuses names that could leave that directory.
 */
final class ArtifactHandler {
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");

  private final ResourceService service = new ResourceService();
  private final ConcurrentMap<Path, ResourceHttpContentFactory> factories =
      new ConcurrentHashMap<>();
  private final ResourceFactory resources;
  private final ConcurrentMap<EtagKey, String> etags = new ConcurrentHashMap<>();

  ArtifactHandler(ResourceFactory resources) {
    this.resources = resources;
    service.setAcceptRanges(true);
    service.setEtags(true);
    service.setDirAllowed(false);
  }

  /** Returns whether a file name is a plain name that stays inside its directory. */
  static boolean validName(String file) {
    return file != null && FILE.matcher(file).matches() && !file.contains("..");
  }

  /** Serves {@code file} from {@code directory} (GET or HEAD), or answers 404 when it is absent. */
  void serve(Request request, Response response, Callback callback, Path directory, String file)
      throws Exception {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      HttpIo.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "METHOD", "GET or HEAD");
      return;
    }
    ResourceHttpContentFactory factory =
        factories.computeIfAbsent(
            directory.toAbsolutePath().normalize(),
            d ->
                new ResourceHttpContentFactory(
                    resources.newResource(d),
                    MimeTypes.DEFAULTS,
                    ByteBufferPool.SIZED_NON_POOLING));
    HttpContent content = factory.getContent(file);
    if (content == null || content.getResource() == null || content.getResource().isDirectory()) {
      HttpIo.error(response, callback, HttpStatus.NOT_FOUND_404, "NOT_FOUND", "no file " + file);
      return;
    }
    HttpContent strong = withStrongEtag(content, directory.resolve(file));
    service.doGet(applyIfRange(request, strong), response, callback, strong);
  }

  /**
   * Replaces Jetty's weak ETag (derived from size and modification time) by a strong one, the
   * file's SHA-256, so that clients can resume with {@code If-Range}, which takes strong validators
   * only. The digest is computed once per file version (path, size, modification time).
   */
  private HttpContent withStrongEtag(HttpContent content, Path file) throws IOException {
    long size = content.getContentLengthValue();
    Instant modified = content.getLastModifiedInstant();
    EtagKey key = new EtagKey(file.toAbsolutePath().normalize(), size, modified);
    String etag = etags.get(key);
    if (etag == null) {
      etag = "\"" + sha256(file) + "\"";
      etags.put(key, etag);
    }
    HttpField field = new PreEncodedHttpField(HttpHeader.ETAG, etag);
    String value = etag;
    return new HttpContent.Wrapper(content) {
      @Override
      public HttpField getETag() {
        return field;
      }

      @Override
      public String getETagValue() {
        return value;
      }
    };
  }

  private record EtagKey(Path file, long size, Instant modified) {}

  private static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Applies {@code If-Range} (RFC 9110, 13.1.5), which Jetty 12's {@code ResourceService} does not
   * evaluate: when the validator is not the file's current strong ETag or its exact {@code
   * Last-Modified} date, the {@code Range} header is dropped, so Jetty answers 200 with the whole
   * file instead of a part of a different version. Everything else stays Jetty's.
   */
  static Request applyIfRange(Request request, HttpContent content) {
    HttpFields headers = request.getHeaders();
    String ifRange = headers.get(HttpHeader.IF_RANGE);
    if (ifRange == null || !headers.contains(HttpHeader.RANGE)) {
      return request;
    }
    String v = ifRange.strip();
    boolean matches;
    if (v.startsWith("\"")) {
      String etag = content.getETagValue();
      matches = etag != null && !etag.startsWith("W/") && etag.equals(v);
    } else {
      HttpField lastModified = content.getLastModified();
      matches = !v.startsWith("W/") && lastModified != null && v.equals(lastModified.getValue());
    }
    if (matches) {
      return request;
    }
    HttpFields withoutRange = HttpFields.build(headers).remove(HttpHeader.RANGE).asImmutable();
    return new Request.Wrapper(request) {
      @Override
      public HttpFields getHeaders() {
        return withoutRange;
      }
    };
  }
}
