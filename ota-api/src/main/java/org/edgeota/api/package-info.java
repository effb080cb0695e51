/**
 * Domain types of the Edge OTA SDK: versions, devices, slots, releases, update states, and the
 * single exception type with its reason codes.
 */
package org.edgeota.api;
