package org.edgeota.delta;

import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.api.Version;

/**
 * The image currently installed for a component: where to read it and what it claims to be.
 *
 * @param channel random access to the image (a file or the active slot); read only
 * @param size the image size in bytes; a slot may be larger than its image
 * @param version the installed release's version, or {@code null} if unknown
 */
public record InstalledImage(SeekableByteChannel channel, long size, Version version) {

  /**
   * Checks the fields.
   *
   * @throws OtaException with {@code INVALID_ARGUMENT} when the size is negative
   */
  public InstalledImage {
    Objects.requireNonNull(channel, "channel");
    if (size < 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          Long.toString(size),
          "installed image size: expected >= 0, found " + size);
    }
  }
}
