/** Implementation of the delta module: the BSDIFF40 reader and helpers. Not public API. */
package org.edgeota.delta.internal;
