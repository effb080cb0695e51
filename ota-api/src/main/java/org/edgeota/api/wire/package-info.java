/** Messages of the device protocol ({@code /api/v1/updates/...}), independent of any transport. */
package org.edgeota.api.wire;
