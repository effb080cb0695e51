package org.edgeota.partition.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;

/**
 * The byte format of one copy of a U-Boot environment, as U-Boot, {@code mkenvimage} and
 * libubootenv lay it out.
 *
 * <p>A copy is a 4-byte CRC32 in little-endian order, then (redundant environments only) one flags
 * byte, then the data area: {@code name=value} strings each ended by a NUL byte, and one more NUL
 * after the last. The CRC covers the whole data area, padding included; padding written here is
 * zero bytes. Names and values are kept as raw bytes so that variables nobody changed are written
 * back exactly as they were read.
 */
public final class EnvFormat {

  private EnvFormat() {}

  /**
   * One variable as raw bytes.
   *
   * @param name the name bytes (no {@code =}, no NUL)
   * @param value the value bytes (no NUL)
   */
  public record Entry(byte[] name, byte[] value) {
    /**
     * Returns an entry of UTF-8 text.
     *
     * @param name the name
     * @param value the value
     * @return the entry
     */
    public static Entry of(String name, String value) {
      return new Entry(
          name.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns the name as text.
     *
     * @return the UTF-8 decoded name
     */
    public String nameText() {
      return new String(name, StandardCharsets.UTF_8);
    }

    /**
     * Returns the value as text.
     *
     * @return the UTF-8 decoded value
     */
    public String valueText() {
      return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Arrays.equals(name, e.name) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(name) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return nameText() + "=" + valueText();
    }
  }

  /**
   * A copy that passed its CRC check.
   *
   * @param flags the flags byte (0..255), or 0 for a single environment
   * @param entries the variables in storage order
   * @param skipped how many strings without {@code =} were ignored
   */
  public record Decoded(int flags, List<Entry> entries, int skipped) {}

  /**
   * Returns the header length of a copy.
   *
   * @param redundant whether the environment is redundant
   * @return 5 for redundant copies (CRC and flags), 4 otherwise
   */
  public static int headerLength(boolean redundant) {
    return redundant ? 5 : 4;
  }

  /**
   * Decodes one copy if its CRC matches.
   *
   * @param copy the bytes of the whole copy, header included
   * @param redundant whether the copy has a flags byte
   * @return the decoded copy, or empty when the CRC does not match
   */
  public static Optional<Decoded> decode(byte[] copy, boolean redundant) {
    int header = headerLength(redundant);
    if (copy.length <= header) {
      return Optional.empty();
    }
    long stored =
        (copy[0] & 0xffL)
            | (copy[1] & 0xffL) << 8
            | (copy[2] & 0xffL) << 16
            | (copy[3] & 0xffL) << 24;
    CRC32 crc = new CRC32();
    crc.update(copy, header, copy.length - header);
    if (crc.getValue() != stored) {
      return Optional.empty();
    }
    int flags = redundant ? copy[4] & 0xff : 0;
    List<Entry> entries = new ArrayList<>();
    int skipped = 0;
    int pos = header;
    while (pos < copy.length && copy[pos] != 0) {
      int end = pos;
      while (end < copy.length && copy[end] != 0) {
        end++;
      }
      int eq = -1;
      for (int i = pos; i < end; i++) {
        if (copy[i] == '=') {
          eq = i;
          break;
        }
      }
      if (eq <= pos) {
        skipped++;
      } else {
        entries.add(
            new Entry(Arrays.copyOfRange(copy, pos, eq), Arrays.copyOfRange(copy, eq + 1, end)));
      }
      pos = end + 1;
    }
    return Optional.of(new Decoded(flags, List.copyOf(entries), skipped));
  }

  /**
   * Encodes one copy.
   *
   * @param entries the variables, written in this order
   * @param copySize the size of the copy in bytes, header included
   * @param redundant whether to write a flags byte
   * @param flags the flags byte for a redundant copy
   * @return the bytes of the copy
   * @throws OtaException with {@code BOOT_ENV_FULL} when the variables do not fit
   */
  public static byte[] encode(List<Entry> entries, int copySize, boolean redundant, int flags) {
    int header = headerLength(redundant);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Entry e : entries) {
      data.writeBytes(e.name());
      data.write('=');
      data.writeBytes(e.value());
      data.write(0);
    }
    data.write(0);
    int needed = data.size();
    int available = copySize - header;
    if (needed > available) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_FULL,
          Integer.toString(needed),
          "boot environment: expected the variables to fit in "
              + available
              + " bytes of data area, found "
              + needed
              + " bytes; nothing was written");
    }
    byte[] copy = new byte[copySize];
    System.arraycopy(data.toByteArray(), 0, copy, header, needed);
    if (redundant) {
      copy[4] = (byte) flags;
    }
    CRC32 crc = new CRC32();
    crc.update(copy, header, available);
    long v = crc.getValue();
    copy[0] = (byte) v;
    copy[1] = (byte) (v >>> 8);
    copy[2] = (byte) (v >>> 16);
    copy[3] = (byte) (v >>> 24);
    return copy;
  }

  /**
   * Chooses the copy to load among two redundant copies, as libubootenv and U-Boot do.
   *
   * <p>A copy that failed its CRC never wins. Of two valid copies the one with the higher flags
   * byte wins, except that 0 beats 255 (the counter wrapped); equal flags choose the first copy.
   *
   * @param first the first copy, or empty if invalid
   * @param second the second copy, or empty if invalid
   * @return 0 or 1 for the copy to load, or -1 when neither is valid
   */
  public static int choose(Optional<Decoded> first, Optional<Decoded> second) {
    if (first.isEmpty()) {
      return second.isEmpty() ? -1 : 1;
    }
    if (second.isEmpty()) {
      return 0;
    }
    int f1 = first.get().flags();
    int f2 = second.get().flags();
    if (f1 == 255 && f2 == 0) {
      return 1;
    }
    if (f2 == 255 && f1 == 0) {
      return 0;
    }
    return f2 > f1 ? 1 : 0;
  }

  /**
   * Compares two names by their unsigned bytes, the order libubootenv and U-Boot store them in.
   *
   * @param a one name
   * @param b another name
   * @return negative, zero or positive
   */
  public static int compareNames(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /**
   * Checks a variable name.
   *
   * @param name the name
   * @throws OtaException with {@code BOOT_ENV_NAME_INVALID} when it is empty or contains {@code =}
   *     or a control character
   */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new OtaException(
          ReasonCode.BOOT_ENV_NAME_INVALID,
          name,
          "boot environment variable name: expected a non-empty name, found '" + name + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '=' || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw new OtaException(
            ReasonCode.BOOT_ENV_NAME_INVALID,
            name,
            "boot environment variable name: expected no '=' and no control character, found "
                + String.format("U+%04X", (int) c)
                + " at index "
                + i
                + " of '"
                + printable(name)
                + "'");
      }
    }
  }

  /**
   * Checks a variable value.
   *
   * @param name the variable's name
   * @param value the value
   * @throws OtaException with {@code INVALID_ARGUMENT} when it contains a NUL character
   */
  public static void checkValue(String name, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          printable(value),
          "boot environment variable '"
              + name
              + "': expected a value without NUL characters, found one at index "
              + value.indexOf('\0'));
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
