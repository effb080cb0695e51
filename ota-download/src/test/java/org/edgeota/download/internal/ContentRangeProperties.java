package org.edgeota.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class ContentRangeProperties {

  @Property(seed = "424242", tries = 500)
  void parse_wellFormedRange_roundTrips(
      @ForAll @LongRange(min = 0, max = 1L << 50) long first,
      @ForAll @LongRange(min = 0, max = 1L << 40) long length,
      @ForAll @LongRange(min = 0, max = 1L << 40) long slack) {
    long last = first + length;
    long total = last + 1 + slack;

    ContentRange r = ContentRange.parse("bytes " + first + "-" + last + "/" + total);

    assertThat(r).isEqualTo(new ContentRange(first, last, total));
    assertThat(r.length()).isEqualTo(length + 1);
  }

  @Property(seed = "424243", tries = 300)
  void parse_lastBeforeFirstOrBeyondTotal_isRejected(
      @ForAll @LongRange(min = 1, max = 1L << 40) long first,
      @ForAll @LongRange(min = 1, max = 1L << 20) long back) {
    assertThat(ContentRange.parse("bytes " + first + "-" + (first - back) + "/*")).isNull();
    assertThat(ContentRange.parse("bytes 0-" + first + "/" + first)).isNull();
  }

  @Property(seed = "424244", tries = 500)
  void parse_arbitraryText_neverThrows(@ForAll @StringLength(max = 60) String text) {
    Assume.that(!text.matches("bytes .*"));

    assertThat(ContentRange.parse(text)).isNull();
  }

  @Property(seed = "424245", tries = 100)
  void parse_unsatisfiedForm_givesTheTotal(@ForAll @LongRange(min = 0, max = 1L << 50) long total) {
    ContentRange r = ContentRange.parse("bytes */" + total);

    assertThat(r.unsatisfied()).isTrue();
    assertThat(r.total()).isEqualTo(total);
  }
}
