/** Implementation of the manifest module; not part of the public API. */
package org.edgeota.manifest.internal;
