package org.edgeota.delta;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.edgeota.api.Component;
import org.edgeota.api.DeltaArtifact;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.delta.internal.Digests;
import org.edgeota.delta.internal.VerifyingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces a component's new image from a delta when one fits the installed image, and from the
 * full payload otherwise or when the delta fails in any way.
 *
 * <p>The steps: hash the installed image; pick the {@code bsdiff} delta whose {@code fromSha256}
 * matches (preferring one whose {@code fromVersion} is the installed version); fetch it through the
 * caller's {@link DeltaFetcher}; apply it into a fresh sink. If no delta matches, the fetch fails,
 * or the patch is corrupt, unsupported or produces the wrong digest, the sink is abandoned and the
 * full payload is streamed into a second fresh sink through the caller's {@link FullPayload}. Both
 * paths check size and SHA-256 against the component before returning. The selector downloads
 * nothing itself.
 *
 * <p>Note: the selector never commits a sink; after it returns, the caller commits the last sink it
 * opened (for a slot, {@code SlotWriter.commit(component.sha256())}).
 */
public final class DeltaSelector {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaSelector.class);

  /** Fetches a delta's patch file; the agent plugs its downloader in here. */
  @FunctionalInterface
  public interface DeltaFetcher {
    /**
     * Returns a local file holding the patch, verified against the delta's size and SHA-256.
     *
     * @param delta the delta to fetch
     * @return the patch file
     * @throws OtaException when the patch cannot be fetched or verified
     */
    Path fetch(DeltaArtifact delta);
  }

  /** Streams the full payload; the agent plugs its downloader in here. */
  @FunctionalInterface
  public interface FullPayload {
    /**
     * Writes the component's full payload into a sink, front to back.
     *
     * @param sink where the payload goes
     * @throws OtaException when the payload cannot be fetched
     */
    void writeTo(Sink sink);
  }

  /** Opens a fresh output for one attempt, for example a new writer on the inactive slot. */
  @FunctionalInterface
  public interface SinkOpener {
    /**
     * Opens an empty output.
     *
     * @param attempt the path about to be tried
     * @return the sink; it is abandoned if the attempt fails
     * @throws OtaException when the output cannot be opened
     */
    Sink open(Choice attempt);
  }

  private final DeltaApplier applier;

  private DeltaSelector(DeltaApplier applier) {
    this.applier = applier;
  }

  /**
   * Returns a selector that applies patches with the given applier.
   *
   * @param applier the applier to use
   * @return the selector
   */
  public static DeltaSelector using(DeltaApplier applier) {
    return new DeltaSelector(Objects.requireNonNull(applier, "applier"));
  }

  /**
   * Returns a selector with a default {@link DeltaApplier}.
   *
   * @return the selector
   */
  public static DeltaSelector withDefaults() {
    return using(DeltaApplier.withDefaults());
  }

  /**
   * Writes the component's new image into a sink, from a delta if possible and from the full
   * payload otherwise.
   *
   * @param component the component to install, with its size, digest and deltas
   * @param installed the image installed now
   * @param fetcher fetches a chosen delta's patch file
   * @param full streams the full payload
   * @param sinks opens a fresh sink per attempt
   * @return which path was taken and why, with the verified size and digest
   * @throws OtaException with {@code PAYLOAD_MISMATCH} when the full payload does not match the
   *     component, or the failure of the full payload's fetch or of the sink
   */
  public Selection install(
      Component component,
      InstalledImage installed,
      DeltaFetcher fetcher,
      FullPayload full,
      SinkOpener sinks) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(installed, "installed");
    Objects.requireNonNull(fetcher, "fetcher");
    Objects.requireNonNull(full, "full");
    Objects.requireNonNull(sinks, "sinks");
    Digests.requireSha256("component.sha256", component.sha256());

    Optional<DeltaArtifact> match = Optional.empty();
    String why;
    if (component.deltas().stream().noneMatch(DeltaSelector::isBsdiff)) {
      why = "no bsdiff delta offered";
    } else {
      String base = Digests.sha256Of(installed.channel(), installed.size());
      match = pick(component, installed, base);
      why =
          match.isPresent()
              ? "installed image matches the delta base"
              : "installed image sha256 " + base + " matches no delta's fromSha256";
      if (match.isEmpty()) {
        LOG.warn(
            "component {}: {} (installed version {}), using the full payload",
            component.name(),
            why,
            installed.version());
      }
    }
    if (match.isEmpty()) {
      return installFull(component, full, sinks, why, null, null);
    }

    DeltaArtifact delta = match.get();
    Sink sink = null;
    try {
      Path patch = fetcher.fetch(delta);
      sink = sinks.open(Choice.DELTA);
      ApplyResult r =
          applier.apply(
              installed.channel(),
              installed.size(),
              patch,
              sink,
              component.size(),
              component.sha256());
      LOG.info(
          "component {}: new image produced from delta {} (from {})",
          component.name(),
          delta.file(),
          delta.fromVersion());
      return new Selection(Choice.DELTA, why, delta, null, r.size(), r.sha256());
    } catch (OtaException e) {
      abandon(sink);
      LOG.warn(
          "component {}: delta {} failed ({}), falling back to the full payload: {}",
          component.name(),
          delta.file(),
          e.reason(),
          e.getMessage());
      String reason = "delta " + delta.file() + " failed: " + e.getMessage();
      return installFull(component, full, sinks, reason, delta, e.reason());
    } catch (RuntimeException e) {
      abandon(sink);
      LOG.warn(
          "component {}: delta {} failed unexpectedly, falling back to the full payload",
          component.name(),
          delta.file(),
          e);
      String reason = "delta " + delta.file() + " failed: " + e;
      return installFull(component, full, sinks, reason, delta, ReasonCode.SPI_FAILURE);
    }
  }

  private static boolean isBsdiff(DeltaArtifact d) {
    return "bsdiff".equals(d.algorithm());
  }

  private static Optional<DeltaArtifact> pick(
      Component component, InstalledImage installed, String base) {
    Optional<DeltaArtifact> sameVersion =
        component.deltas().stream()
            .filter(DeltaSelector::isBsdiff)
            .filter(d -> d.fromSha256().equals(base))
            .filter(d -> d.fromVersion().equals(installed.version()))
            .findFirst();
    if (sameVersion.isPresent()) {
      return sameVersion;
    }
    return component.deltas().stream()
        .filter(DeltaSelector::isBsdiff)
        .filter(d -> d.fromSha256().equals(base))
        .findFirst();
  }

  private static Selection installFull(
      Component component,
      FullPayload full,
      SinkOpener sinks,
      String reason,
      DeltaArtifact triedDelta,
      ReasonCode deltaFailure) {
    Sink sink = null;
    try {
      sink = sinks.open(Choice.FULL);
      VerifyingSink verifying =
          new VerifyingSink(sink, component.size(), component.sha256(), "full payload");
      full.writeTo(verifying);
      String sha = verifying.verify();
      LOG.info("component {}: new image written from the full payload", component.name());
      return new Selection(Choice.FULL, reason, triedDelta, deltaFailure, component.size(), sha);
    } catch (RuntimeException e) {
      abandon(sink);
      throw e;
    }
  }

  private static void abandon(Sink sink) {
    if (sink == null) {
      return;
    }
    try {
      sink.abandon();
    } catch (RuntimeException e) {
      LOG.warn("abandoning an output failed", e);
    }
  }
}
