/**
 * Service-provider interfaces: the seams where a vendor plugs a device's storage, bootloader,
 * transport, health checks, installers, and the controller's store into the SDK.
 */
package org.edgeota.api.spi;
