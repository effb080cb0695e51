/**
 * Implementation details of {@code ota-partition}: the U-Boot environment byte format and the slot
 * writer. Not part of the public API; other modules must not use these types.
 */
package org.edgeota.partition.internal;
