package org.edgeota.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Release;
import org.edgeota.api.Version;
import org.edgeota.manifest.internal.AtomicFiles;
import org.edgeota.manifest.internal.Fields;
import org.edgeota.manifest.internal.Hex;
import org.edgeota.manifest.internal.ManifestCodec;
import org.edgeota.manifest.internal.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A release directory: {@code manifest.json} beside the payload and patch files it names.
 *
 * <p>{@link #builder(Clock)} packs a directory (copies the payloads in, measures their size and
 * SHA-256 from the copies, writes an unsigned manifest); {@link #verifyPayloads} checks a directory
 * against a manifest and fails closed on any difference.
 */
public final class ReleasePackage {
  /** Name of the manifest file in a release directory. */
  public static final String MANIFEST_FILE = "manifest.json";

  private static final Logger LOG = LoggerFactory.getLogger(ReleasePackage.class);
  private static final int BUFFER = 64 * 1024;

  private ReleasePackage() {}

  /**
   * Starts packing a release.
   *
   * @param clock the clock giving the default release date
   * @return a builder
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  /**
   * Reads and strictly parses {@code manifest.json} of a release directory.
   *
   * @param dir the release directory
   * @return the manifest, signatures not yet verified
   * @throws OtaException see {@link SignedManifest#parse(byte[], long)}, or {@link
   *     ReasonCode#IO_ERROR}
   */
  public static SignedManifest readManifest(Path dir) {
    return SignedManifest.read(dir.resolve(MANIFEST_FILE));
  }

  /**
   * Reads the raw bytes of {@code manifest.json} of a release directory, for {@link
   * ManifestPolicy#evaluate}; the size is checked before the content is read.
   *
   * @param dir the release directory
   * @return the bytes exactly as stored
   * @throws OtaException with {@link ReasonCode#MANIFEST_TOO_LARGE} over 1 MiB, or {@link
   *     ReasonCode#IO_ERROR}
   */
  public static byte[] readManifestBytes(Path dir) {
    return StrictJson.readCapped(
        dir.resolve(MANIFEST_FILE), SignedManifest.DEFAULT_MAX_BYTES, "manifest");
  }

  /**
   * Writes {@code manifest.json} of a release directory atomically (temp file, fsync, rename).
   *
   * @param dir the release directory
   * @param manifest the manifest
   * @throws OtaException with {@link ReasonCode#IO_ERROR} if it cannot be written
   */
  public static void writeManifest(Path dir, SignedManifest manifest) {
    Path file = dir.resolve(MANIFEST_FILE);
    try {
      AtomicFiles.write(file, manifest.toJson());
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "manifest: cannot write '" + file + "': " + e, e);
    }
  }

  /**
   * Checks that every payload and patch file the manifest names is a regular file in the directory
   * with the stated size and SHA-256.
   *
   * @param dir the release directory
   * @param manifest the manifest
   * @throws OtaException with {@link ReasonCode#PAYLOAD_MISMATCH} naming the file and the expected
   *     and found size or digest, for a missing file or a symbolic link too
   */
  public static void verifyPayloads(Path dir, SignedManifest manifest) {
    for (Component c : manifest.release().components()) {
      verifyFile(dir, c.file(), c.size(), c.sha256());
      for (DeltaArtifact d : c.deltas()) {
        verifyFile(dir, d.file(), d.size(), d.sha256());
      }
    }
  }

  private static void verifyFile(Path dir, String name, long size, String sha256) {
    verifyFile(dir.resolve(name), size, sha256);
  }

  /**
   * Checks one file against an expected size and SHA-256, for example a payload downloaded
   * elsewhere than the release directory.
   *
   * @param file the file; a symbolic link or missing file fails
   * @param size the expected size in bytes
   * @param sha256 the expected lower-case hex SHA-256
   * @throws OtaException with {@link ReasonCode#PAYLOAD_MISMATCH} naming the file and the expected
   *     and found size or digest, or {@link ReasonCode#IO_ERROR} if it cannot be read
   */
  public static void verifyFile(Path file, long size, String sha256) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw mismatch(name, "a regular file of " + size + " bytes", "no regular file");
      }
      long actualSize = Files.size(file);
      if (actualSize != size) {
        throw mismatch(name, size + " bytes", actualSize + " bytes");
      }
      String actual = sha256(file, size);
      if (!actual.equals(sha256)) {
        throw mismatch(name, "SHA-256 " + sha256, "SHA-256 " + actual);
      }
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, name, "payload '" + name + "': cannot read: " + e, e);
    }
  }

  private static OtaException mismatch(String name, String expected, String found) {
    return new OtaException(
        ReasonCode.PAYLOAD_MISMATCH,
        name,
        "payload '" + name + "': expected " + expected + ", found " + found);
  }

  /**
   * Returns the SHA-256 of a file.
   *
   * @param file the file
   * @return lower-case hex
   * @throws OtaException with {@link ReasonCode#IO_ERROR} if it cannot be read
   */
  public static String sha256(Path file) {
    try {
      return sha256(file, Long.MAX_VALUE);
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "file '" + file + "': cannot read: " + e, e);
    }
  }

  private static String sha256(Path file, long limit) throws IOException {
    MessageDigest md = Hex.newSha256();
    long total = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[BUFFER];
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > limit) {
          // The file grew while being read: report a digest that cannot match.
          return "size changed while reading";
        }
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Collects a release's fields and payloads, then packs the directory. */
  public static final class Builder {
    private final Clock clock;
    private Version version;
    private long sequence;
    private boolean downgrade;
    private Instant releaseDate;
    private Instant expires;
    private Version minAgentVersion = Version.of(0, 0, 0);
    private final List<String> deviceTypes = new ArrayList<>();
    private Version rollbackVersion;
    private final Map<String, PendingComponent> components = new LinkedHashMap<>();

    private record PendingComponent(
        String name,
        String type,
        Path payload,
        int installOrder,
        boolean rebootRequired,
        List<PendingDelta> deltas) {}

    private record PendingDelta(Version fromVersion, String fromSha256, Path patch) {}

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sets the release version (required).
     *
     * @param version the version
     * @return this builder
     */
    public Builder version(Version version) {
      this.version = version;
      return this;
    }

    /**
     * Sets the release sequence (required, at least 1, higher than every earlier release's).
     *
     * @param sequence the sequence
     * @return this builder
     */
    public Builder sequence(long sequence) {
      this.sequence = sequence;
      return this;
    }

    /**
     * Authorises installing this release over a higher version (a fleet rollback).
     *
     * @param downgrade whether a downgrade is allowed
     * @return this builder
     */
    public Builder downgrade(boolean downgrade) {
      this.downgrade = downgrade;
      return this;
    }

    /**
     * Sets the release date; the clock's instant when not set.
     *
     * @param releaseDate the date
     * @return this builder
     */
    public Builder releaseDate(Instant releaseDate) {
      this.releaseDate = releaseDate;
      return this;
    }

    /**
     * Sets the expiry (required).
     *
     * @param expires the instant after which devices refuse the release
     * @return this builder
     */
    public Builder expires(Instant expires) {
      this.expires = expires;
      return this;
    }

    /**
     * Sets the oldest agent version that may install the release; 0.0.0 when not set.
     *
     * @param minAgentVersion the version
     * @return this builder
     */
    public Builder minAgentVersion(Version minAgentVersion) {
      this.minAgentVersion = minAgentVersion;
      return this;
    }

    /**
     * Adds a target device type (at least one is required).
     *
     * @param deviceType the type
     * @return this builder
     */
    public Builder deviceType(String deviceType) {
      this.deviceTypes.add(deviceType);
      return this;
    }

    /**
     * Sets the version devices return to on a fleet rollback.
     *
     * @param rollbackVersion the version, or {@code null}
     * @return this builder
     */
    public Builder rollbackVersion(Version rollbackVersion) {
      this.rollbackVersion = rollbackVersion;
      return this;
    }

    /**
     * Adds a component; its payload is copied into the release under its own file name.
     *
     * @param name the component name, unique in the release
     * @param type the component type, for example {@code firmware}
     * @param payload the payload file
     * @param installOrder the install order
     * @param rebootRequired whether it takes effect after a reboot
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for a repeated name
     */
    public Builder component(
        String name, String type, Path payload, int installOrder, boolean rebootRequired) {
      if (components.containsKey(name)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            name,
            "component: expected a new name, found '" + name + "' twice");
      }
      components.put(
          name,
          new PendingComponent(
              name, type, payload, installOrder, rebootRequired, new ArrayList<>()));
      return this;
    }

    /**
     * Adds a bsdiff delta to a component already added.
     *
     * @param componentName the component
     * @param fromVersion the release whose image the patch applies to
     * @param fromSha256 the SHA-256 of that image
     * @param patch the patch file, copied into the release under its own name
     * @return this builder
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for an unknown component or a
     *     malformed digest
     */
    public Builder delta(String componentName, Version fromVersion, String fromSha256, Path patch) {
      PendingComponent c = components.get(componentName);
      if (c == null) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            componentName,
            "delta: expected the name of a component added before, found '" + componentName + "'");
      }
      if (!Hex.isSha256(fromSha256)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            fromSha256,
            "delta of '"
                + componentName
                + "': expected a 64-digit lower-case hex SHA-256, found '"
                + fromSha256
                + "'");
      }
      c.deltas().add(new PendingDelta(fromVersion, fromSha256, patch));
      return this;
    }

    /**
     * Copies the payloads into a directory and writes an unsigned {@code manifest.json}.
     *
     * <p>If packing fails, the files this call copied in are removed again, and the directory too
     * if this call created it: a failed pack leaves no partial release behind.
     *
     * @param outDir the release directory; created if missing, must not hold a manifest yet
     * @return the unsigned manifest written
     * @throws OtaException with {@link ReasonCode#INVALID_ARGUMENT} for missing fields, conflicting
     *     inputs or a payload that is not a regular file, a manifest reason code if the release
     *     breaks the format, or {@link ReasonCode#IO_ERROR} for a payload file that does not exist
     *     or cannot be copied
     */
    public SignedManifest pack(Path outDir) {
      require(version != null, "version", "a release version", "none");
      require(sequence >= 1, "sequence", "a sequence of at least 1", Long.toString(sequence));
      require(expires != null, "expires", "an expiry", "none");
      require(!deviceTypes.isEmpty(), "deviceType", "at least one target device type", "none");
      require(!components.isEmpty(), "component", "at least one component", "none");
      Instant date = releaseDate != null ? releaseDate : clock.instant();
      // What this call created, removed again if packing fails: a failed pack leaves no
      // half-filled release directory that a later step could mistake for a release.
      List<Path> created = new ArrayList<>();
      boolean createdDir = !Files.exists(outDir, LinkOption.NOFOLLOW_LINKS);
      try {
        return packInto(outDir, date, created);
      } catch (RuntimeException e) {
        removeCreated(outDir, createdDir, created, e);
        throw e;
      }
    }

    private SignedManifest packInto(Path outDir, Instant date, List<Path> created) {
      try {
        Files.createDirectories(outDir);
        if (Files.exists(outDir.resolve(MANIFEST_FILE), LinkOption.NOFOLLOW_LINKS)) {
          throw new OtaException(
              ReasonCode.INVALID_ARGUMENT,
              outDir.toString(),
              "pack: expected a directory without "
                  + MANIFEST_FILE
                  + ", found one in '"
                  + outDir
                  + "'");
        }
        List<Component> packed = new ArrayList<>();
        for (PendingComponent c : components.values()) {
          Path copy = copyIn(c.payload(), outDir, created);
          List<DeltaArtifact> deltas = new ArrayList<>();
          for (PendingDelta d : c.deltas()) {
            Path patch = copyIn(d.patch(), outDir, created);
            deltas.add(
                new DeltaArtifact(
                    d.fromVersion(),
                    d.fromSha256(),
                    patch.getFileName().toString(),
                    Files.size(patch),
                    sha256(patch),
                    ManifestCodec.BSDIFF));
          }
          packed.add(
              new Component(
                  c.name(),
                  c.type(),
                  copy.getFileName().toString(),
                  Files.size(copy),
                  sha256(copy),
                  c.installOrder(),
                  c.rebootRequired(),
                  deltas));
        }
        Release release =
            new Release(
                version,
                sequence,
                downgrade,
                date,
                expires,
                minAgentVersion,
                deviceTypes,
                rollbackVersion,
                packed);
        SignedManifest manifest = SignedManifest.unsigned(release);
        writeManifest(outDir, manifest);
        LOG.info("Packed release {} sequence {} into {}", version, sequence, outDir);
        return manifest;
      } catch (IOException e) {
        throw new OtaException(
            ReasonCode.IO_ERROR, outDir.toString(), "pack into '" + outDir + "': " + e, e);
      }
    }

    private static void removeCreated(
        Path outDir, boolean createdDir, List<Path> created, RuntimeException failure) {
      try {
        for (Path p : created) {
          Files.deleteIfExists(p);
        }
        if (createdDir) {
          Files.deleteIfExists(outDir);
        }
      } catch (IOException e) {
        failure.addSuppressed(e);
        LOG.warn("Failed pack left files behind in {}: {}", outDir, e.toString());
      }
    }

    private static Path copyIn(Path source, Path outDir, List<Path> created) throws IOException {
      String name = source.getFileName() == null ? "" : source.getFileName().toString();
      if (!Fields.isSafeName(name) || name.equals(MANIFEST_FILE)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            name,
            "payload: expected a plain file name other than manifest.json, found '" + name + "'");
      }
      if (!Files.exists(source)) {
        // Missing like any other input file the tools read: an I/O failure, as for a key or a
        // trust store that is not there.
        throw new OtaException(
            ReasonCode.IO_ERROR,
            source.toString(),
            "payload: expected a regular file, found no file at '" + source + "'");
      }
      if (!Files.isRegularFile(source)) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            source.toString(),
            "payload: expected a regular file, found another kind of file at '" + source + "'");
      }
      Path target = outDir.resolve(name);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.isSameFile(source, target)) {
          return target;
        }
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            name,
            "payload: expected each file name once in the release, found '" + name + "' twice");
      }
      Files.copy(source, target);
      created.add(target);
      try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return target;
    }

    private static void require(boolean ok, String field, String expected, String found) {
      if (!ok) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            found,
            "pack: " + field + ": expected " + expected + ", found " + found);
      }
    }
  }
}
