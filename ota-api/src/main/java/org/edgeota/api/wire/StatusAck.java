package org.edgeota.api.wire;

/**
 * The controller's acknowledgement of a status report.
 *
 * @param reportId the acknowledged report
 * @param duplicate whether the controller had already counted this report id
 */
public record StatusAck(String reportId, boolean duplicate) {}
