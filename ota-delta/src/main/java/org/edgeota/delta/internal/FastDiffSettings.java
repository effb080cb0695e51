package org.edgeota.delta.internal;

import io.sigpipe.jbsdiff.DiffSettings;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * jbsdiff settings: bzip2 blocks (the only compression the C {@code bspatch} reads) and the
 * linear-time suffix sort of {@link SuffixArrays} in place of jbsdiff's {@code qsufsort}.
 */
public final class FastDiffSettings implements DiffSettings {

  @Override
  public String getCompression() {
    return CompressorStreamFactory.BZIP2;
  }

  @Override
  public int[] sort(byte[] input) {
    return SuffixArrays.bsdiffOrder(input);
  }
}
