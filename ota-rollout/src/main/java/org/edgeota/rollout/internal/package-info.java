/** Implementation of the rollout controller; not part of the public API. */
package org.edgeota.rollout.internal;
