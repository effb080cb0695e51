/** Implementation of the download module; not API, may change in any release. */
package org.edgeota.download.internal;
