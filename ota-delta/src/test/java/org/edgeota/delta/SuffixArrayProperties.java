package org.edgeota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigpipe.jbsdiff.sort.SuffixSort;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.edgeota.delta.internal.SuffixArrays;

/** The fast suffix sort builds exactly the array of bsdiff's qsufsort (as ported by jbsdiff). */
class SuffixArrayProperties {

  @Property(seed = "1204", tries = 300)
  void bsdiffOrder_anyInput_equalsQsufsort(@ForAll("texts") byte[] data) {
    int[] expected = new int[data.length + 1];
    SuffixSort.qsufsort(expected, new int[data.length + 1], data);

    int[] actual = SuffixArrays.bsdiffOrder(data);

    assertThat(actual).isEqualTo(expected);
  }

  @Provide
  Arbitrary<byte[]> texts() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
        Arbitraries.bytes().between((byte) 0, (byte) 2).array(byte[].class).ofMaxSize(3000),
        Arbitraries.of((byte) -1, (byte) 0x7f, (byte) 0x80).array(byte[].class).ofMaxSize(500),
        Arbitraries.longs().map(seed -> Images.firmware(seed, 20_000)));
  }
}
