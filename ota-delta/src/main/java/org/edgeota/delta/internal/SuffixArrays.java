package org.edgeota.delta.internal;

import java.util.Arrays;

/**
 * Suffix arrays by induced sorting (SA-IS, Nong, Zhang and Chan 2009): linear time, and in practice
 * several times faster than the {@code qsufsort} of bsdiff that jbsdiff ports.
 *
 * <p>{@link #bsdiffOrder(byte[])} returns exactly the array bsdiff's {@code qsufsort} builds:
 * {@code n + 1} entries, the empty suffix {@code n} first, then every suffix in unsigned
 * lexicographic order. A suffix array is unique, so the patch generated with it is the same.
 */
public final class SuffixArrays {
  private SuffixArrays() {}

  /**
   * Sorts the suffixes of {@code data} as bsdiff expects.
   *
   * @param data the old file
   * @return {@code n + 1} suffix start positions, {@code n} (the empty suffix) first
   */
  public static int[] bsdiffOrder(byte[] data) {
    int n = data.length;
    // Shift bytes up by one so that 0 is a unique, smallest sentinel at the end.
    int[] t = new int[n + 1];
    for (int i = 0; i < n; i++) {
      t[i] = (data[i] & 0xff) + 1;
    }
    int[] sa = new int[n + 1];
    sais(t, sa, n + 1, 257);
    return sa;
  }

  /** Sorts the suffixes of {@code t[0..n)}, whose last symbol is a unique smallest 0. */
  static void sais(int[] t, int[] sa, int n, int k) {
    if (n == 1) {
      sa[0] = 0;
      return;
    }
    boolean[] stype = new boolean[n];
    stype[n - 1] = true;
    for (int i = n - 2; i >= 0; i--) {
      stype[i] = t[i] < t[i + 1] || (t[i] == t[i + 1] && stype[i + 1]);
    }
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      counts[t[i]]++;
    }
    int[] bucket = new int[k];

    // Stage 1: sort the LMS substrings by inducing from their bucket ends.
    Arrays.fill(sa, 0, n, -1);
    bucketEnds(counts, bucket);
    for (int i = 1; i < n; i++) {
      if (isLms(stype, i)) {
        sa[--bucket[t[i]]] = i;
      }
    }
    induce(t, sa, stype, counts, bucket, n);

    // Compact the sorted LMS positions to the front, then name them by substring equality.
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (isLms(stype, sa[i])) {
        sa[m++] = sa[i];
      }
    }
    Arrays.fill(sa, m, n, -1);
    int names = 0;
    int prev = -1;
    for (int i = 0; i < m; i++) {
      int pos = sa[i];
      if (prev < 0 || !sameLmsSubstring(t, stype, pos, prev, n)) {
        names++;
        prev = pos;
      }
      sa[m + (pos >> 1)] = names - 1;
    }
    int j = n - 1;
    for (int i = n - 1; i >= m; i--) {
      if (sa[i] >= 0) {
        sa[j--] = sa[i];
      }
    }

    // Stage 2: sort the reduced string, recursively if names repeat.
    int[] reduced = Arrays.copyOfRange(sa, n - m, n);
    int[] reducedSa = new int[m];
    if (names < m) {
      sais(reduced, reducedSa, m, names);
    } else {
      for (int i = 0; i < m; i++) {
        reducedSa[reduced[i]] = i;
      }
    }

    // Stage 3: place the LMS suffixes in sorted order and induce the rest.
    j = 0;
    for (int i = 1; i < n; i++) {
      if (isLms(stype, i)) {
        reduced[j++] = i;
      }
    }
    Arrays.fill(sa, 0, n, -1);
    bucketEnds(counts, bucket);
    for (int i = m - 1; i >= 0; i--) {
      int p = reduced[reducedSa[i]];
      sa[--bucket[t[p]]] = p;
    }
    induce(t, sa, stype, counts, bucket, n);
  }

  private static boolean isLms(boolean[] stype, int i) {
    return i > 0 && stype[i] && !stype[i - 1];
  }

  private static boolean sameLmsSubstring(int[] t, boolean[] stype, int a, int b, int n) {
    for (int d = 0; ; d++) {
      if (a + d >= n || b + d >= n) {
        return false;
      }
      if (t[a + d] != t[b + d] || stype[a + d] != stype[b + d]) {
        return false;
      }
      if (d > 0 && (isLms(stype, a + d) || isLms(stype, b + d))) {
        return true;
      }
    }
  }

  private static void induce(
      int[] t, int[] sa, boolean[] stype, int[] counts, int[] bucket, int n) {
    bucketStarts(counts, bucket);
    for (int i = 0; i < n; i++) {
      int j = sa[i] - 1;
      if (j >= 0 && !stype[j]) {
        sa[bucket[t[j]]++] = j;
      }
    }
    bucketEnds(counts, bucket);
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i] - 1;
      if (j >= 0 && stype[j]) {
        sa[--bucket[t[j]]] = j;
      }
    }
  }

  private static void bucketStarts(int[] counts, int[] bucket) {
    int sum = 0;
    for (int c = 0; c < counts.length; c++) {
      bucket[c] = sum;
      sum += counts[c];
    }
  }

  private static void bucketEnds(int[] counts, int[] bucket) {
    int sum = 0;
    for (int c = 0; c < counts.length; c++) {
      sum += counts[c];
      bucket[c] = sum;
    }
  }
}
