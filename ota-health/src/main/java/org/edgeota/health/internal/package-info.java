/** Implementation of the default health checks and their configuration parser. */
package org.edgeota.health.internal;
