package org.edgeota.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.edgeota.agent.internal.ArchiveUnpacker;
import org.edgeota.agent.internal.AtomicFiles;
import org.edgeota.agent.internal.Names;
import org.edgeota.api.Component;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.spi.ComponentInstaller;
import org.edgeota.partition.AtomicSymlink;
import org.edgeota.partition.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs {@code application} components: a {@code .tar.gz} archive unpacked into a fresh staging
 * directory and switched in with an atomic rename of a symbolic link.
 *
 * <p>Design notes. For a component named {@code n} the layout under the root is {@code n/current}
 * (a relative symbolic link the running application is started through) pointing at {@code
 * n/releases/<id>}. An install records the link's previous target in its work directory before it
 * changes anything, unpacks into {@code n/releases/.staging-<uuid>} (see the archive rules of the
 * unpacker: absolute names, {@code ..}, escaping links, writing through links, device files,
 * budgets, truncation are refused), fsyncs, renames the staging directory to its final name, and
 * then replaces {@code current} by renaming a new link over it. At no instant is there no valid
 * {@code current}; a refused archive leaves the previous application untouched. Releases other than
 * the new and the previous one are removed afterwards.
 *
 * <p>The budget comes from the manifest: at most {@code size × expansionRatio} unpacked bytes and
 * at most one entry per 512 unpacked bytes of that budget (a tar header alone is 512 bytes), capped
 * by {@code maxEntries}.
 */
public final class ApplicationInstaller implements ComponentInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationInstaller.class);
  private static final String STATE_FILE = "application-state.json";
  private static final String STAGING_PREFIX = ".staging-";

  private final Path root;
  private final long expansionRatio;
  private final long maxEntries;
  private final ObjectMapper mapper = new ObjectMapper();

  private ApplicationInstaller(Builder b) {
    this.root = b.root;
    this.expansionRatio = b.expansionRatio;
    this.maxEntries = b.maxEntries;
  }

  /**
   * Returns a builder for an installer keeping applications under a root directory.
   *
   * @param root the directory holding one sub-directory per application component
   * @return a builder with an expansion ratio of 32 and at most 100,000 entries
   */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  @Override
  public String type() {
    return Component.TYPE_APPLICATION;
  }

  /**
   * Returns the link the running application is started through.
   *
   * @param componentName the component's name
   * @return {@code <root>/<componentName>/current}
   */
  public Path currentLink(String componentName) {
    return root.resolve(Names.requireSafe("component name", componentName)).resolve("current");
  }

  /**
   * {@inheritDoc}
   *
   * @throws OtaException with {@code ARCHIVE_HOSTILE}, {@code ARCHIVE_TOO_LARGE}, {@code
   *     ARCHIVE_TRUNCATED} or {@code IO_ERROR}; the previous application then stays current
   */
  @Override
  public void install(Component component, Path payload, Context context) {
    Path appDir = root.resolve(Names.requireSafe("component name", component.name()));
    Path releases = appDir.resolve("releases");
    Path current = appDir.resolve("current");
    try {
      Files.createDirectories(releases);
      String previous = recordPrevious(context, current);
      removeStaging(releases);

      Path staging = releases.resolve(STAGING_PREFIX + UUID.randomUUID());
      Files.createDirectory(staging);
      long maxBytes = saturatedMultiply(component.size(), expansionRatio);
      long entries = Math.max(1, Math.min(maxEntries, maxBytes / 512 + 1));
      try (InputStream in = Files.newInputStream(payload)) {
        new ArchiveUnpacker(staging, maxBytes, entries).unpack(in);
      } catch (OtaException | IOException e) {
        deleteTree(staging);
        throw e;
      }

      String id =
          component.sha256().substring(0, Math.min(12, component.sha256().length()))
              + "-"
              + UUID.randomUUID().toString().substring(0, 8);
      Path release = releases.resolve(id);
      AtomicFiles.moveAtomically(staging, release);
      AtomicFiles.fsyncDirectory(releases);
      switchLink(current, "releases/" + id);
      removeOldReleases(releases, id, previous);
      LOG.info("application '{}' switched to {}", component.name(), id);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.INSTALL_FAILED,
          component.name(),
          "installing application '" + component.name() + "' failed: " + e,
          e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Points {@code current} back at the release recorded by the install in {@code
   * context.workDir()} (or removes it when there was none); a no-op when that install never began.
   */
  @Override
  public void rollback(Component component, Context context) {
    Path state = context.workDir().resolve(STATE_FILE);
    if (!Files.exists(state)) {
      return;
    }
    Path current = currentLink(component.name());
    try {
      JsonNode s = mapper.readTree(state.toFile());
      JsonNode prev = s.get("previous");
      if (prev == null || prev.isNull()) {
        Files.deleteIfExists(current);
        AtomicFiles.fsyncDirectory(current.getParent());
      } else {
        switchLink(current, prev.asText());
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.INSTALL_FAILED,
          component.name(),
          "rolling back application '" + component.name() + "' failed: " + e,
          e);
    }
    LOG.warn("application '{}' switched back to its previous release", component.name());
  }

  private String recordPrevious(Context context, Path current) throws IOException {
    Path state = context.workDir().resolve(STATE_FILE);
    if (Files.exists(state)) {
      JsonNode prev = mapper.readTree(state.toFile()).get("previous");
      return prev == null || prev.isNull() ? null : prev.asText();
    }
    String previous =
        Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).toString() : null;
    ObjectNode s = mapper.createObjectNode();
    s.put("previous", previous);
    Files.createDirectories(context.workDir());
    AtomicFiles.write(state, mapper.writeValueAsBytes(s));
    return previous;
  }

  private static void switchLink(Path current, String target) throws IOException {
    AtomicSymlink.replace(current, Path.of(target));
  }

  private static void removeStaging(Path releases) throws IOException {
    try (Stream<Path> s = Files.list(releases)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().startsWith(STAGING_PREFIX)) {
          deleteTree(p);
        }
      }
    }
  }

  private static void removeOldReleases(Path releases, String keep, String previous)
      throws IOException {
    String prevName = previous == null ? null : Path.of(previous).getFileName().toString();
    List<Path> all;
    try (Stream<Path> s = Files.list(releases)) {
      all = s.toList();
    }
    for (Path p : all) {
      String n = p.getFileName().toString();
      if (!n.equals(keep) && !n.equals(prevName) && !n.startsWith(STAGING_PREFIX)) {
        deleteTree(p);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    FileTrees.deleteRecursively(dir);
  }

  private static long saturatedMultiply(long a, long b) {
    long r = a * b;
    return (a != 0 && r / a != b) || r < 0 ? Long.MAX_VALUE : r;
  }

  /** Builds an {@link ApplicationInstaller}. */
  public static final class Builder {
    private final Path root;
    private long expansionRatio = 32;
    private long maxEntries = 100_000;

    private Builder(Path root) {
      this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Sets how many unpacked bytes one byte of archive may become.
     *
     * @param ratio a positive factor applied to the manifest's size
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} when not positive
     */
    public Builder expansionRatio(long ratio) {
      this.expansionRatio = Arguments.positive("expansionRatio", ratio, "factor");
      return this;
    }

    /**
     * Sets the most entries an archive may hold.
     *
     * @param max a positive count
     * @return this builder
     * @throws OtaException with {@code INVALID_ARGUMENT} when not positive
     */
    public Builder maxEntries(long max) {
      this.maxEntries = Arguments.positive("maxEntries", max, "count");
      return this;
    }

    /**
     * Builds the installer.
     *
     * @return the installer
     */
    public ApplicationInstaller build() {
      return new ApplicationInstaller(this);
    }
  }
}
