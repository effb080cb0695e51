package org.edgeota.samples.controller;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Serves payload files with Jetty's own resource handling: {@code Range}, {@code If-Range}, {@code
 * ETag}, {@code Last-Modified} and {@code HEAD} come from {@link ResourceService}, not from code of
 * this project.
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
    service.doGet(request, response, callback, content);
  }
}
