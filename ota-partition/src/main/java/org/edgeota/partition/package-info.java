/**
 * A/B slots and the U-Boot environment: {@link org.edgeota.partition.UBootEnv} (byte-compatible
 * with libubootenv's {@code fw_printenv}/{@code fw_setenv}), the {@link
 * org.edgeota.partition.BootScheme} of boot counting, a {@link
 * org.edgeota.partition.BootloaderSimulator} for tests and demos, and slot backends for image
 * files, block devices and application directories.
 */
package org.edgeota.partition;
