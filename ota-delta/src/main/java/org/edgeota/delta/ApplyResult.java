package org.edgeota.delta;

/**
 * The outcome of a successful patch application: the new image was written in full and has the
 * expected size and digest.
 *
 * @param size the size of the new image in bytes
 * @param sha256 the lower-case hex SHA-256 of the new image
 * @param controlEntries how many control triples the patch held
 */
public record ApplyResult(long size, String sha256, long controlEntries) {}
