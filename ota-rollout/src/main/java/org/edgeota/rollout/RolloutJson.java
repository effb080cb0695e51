package org.edgeota.rollout;

import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.rollout.internal.JsonCodec;

/**
 * The JSON form of rollout definitions and snapshots, for admin transports (the sample controller's
 * HTTP API, the CLI).
 *
 * <p>A definition reads, for example:
 *
 * <pre>{@code
 * {"id": "fw-2.0.0", "release": "2.0.0",
 *  "filter": {"deviceTypes": ["gateway-v2"], "tags": {"site": "a"}},
 *  "stages": [{"name": "canary", "percent": 1, "errorThresholdPercent": 5, "minReports": 5,
 *              "minSoak": "PT30M"},
 *             {"name": "full", "percent": 100, "errorThresholdPercent": 1, "minReports": 0,
 *              "minSoak": "PT0S"}],
 *  "autoAdvance": true, "rollbackRelease": "1.9.1", "autoRollback": false}
 * }</pre>
 *
 * <p>The shape is that of the {@link RolloutSpec} record. {@code filter} and its {@code
 * deviceTypes} and {@code tags} default to empty (every device), {@code autoAdvance} to {@code
 * true}, {@code autoRollback} to {@code false}; {@code rollbackRelease} is optional (or {@code
 * null}); {@code minSoak} is an ISO-8601 duration.
 */
public final class RolloutJson {
  private final JsonCodec codec = new JsonCodec();

  /** Creates the codec. */
  public RolloutJson() {}

  /**
   * Reads a rollout definition strictly.
   *
   * @param json the JSON text
   * @return the validated definition
   * @throws OtaException with {@link ReasonCode#ROLLOUT_CONFIG_INVALID} naming the field and value
   *     for malformed JSON, an unknown or missing field, a wrong type or an invalid value
   */
  public RolloutSpec readSpec(String json) {
    return codec.readSpec(json);
  }

  /**
   * Writes a rollout definition in the form {@link #readSpec} reads.
   *
   * @param spec the definition
   * @return the JSON text
   */
  public String writeSpec(RolloutSpec spec) {
    return codec.writeSpec(spec);
  }

  /**
   * Writes a rollout snapshot: {@code spec}, {@code state}, {@code stageIndex}, {@code stage},
   * {@code stageStartedAt}, {@code reason}, {@code rolledBackTo}, {@code createdAt}, {@code
   * revision}.
   *
   * @param rollout the rollout
   * @return the JSON text
   */
  public String writeRollout(Rollout rollout) {
    return codec.writeRollout(rollout);
  }
}
