/**
 * Resumable, verified HTTP downloads and the default HTTP {@link
 * org.edgeota.api.spi.TransportClient}.
 *
 * <p>Entry points: {@link org.edgeota.download.HttpTransportClient} (check-in, download, status
 * report against a controller), {@link org.edgeota.download.ResumableDownloader} (one artifact to
 * one file, resumed across attempts and process restarts), {@link org.edgeota.download.RetryPolicy}
 * (how often and how long to retry) and {@link org.edgeota.download.WireJson} (the JSON form of the
 * wire messages, shared with controllers).
 */
package org.edgeota.download;
