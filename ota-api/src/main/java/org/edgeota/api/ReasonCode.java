package org.edgeota.api;

/**
 * The machine-readable reason carried by every {@link OtaException}.
 *
 * <p>Codes are stable: a vendor may switch on them, log them, or report them to a controller. New
 * codes may be added in later releases; existing codes are never renamed or reused.
 */
public enum ReasonCode {
  // General
  /** An argument or configuration value is outside what the API accepts. */
  INVALID_ARGUMENT,
  /** A file or device could not be read or written. */
  IO_ERROR,
  /** A user-supplied SPI implementation threw or broke its contract. */
  SPI_FAILURE,

  // Versions and manifests
  /** A version string is not a semantic version 2.0.0. */
  INVALID_VERSION,
  /** A manifest or trust store is not well-formed JSON or breaks the schema. */
  MANIFEST_MALFORMED,
  /** A manifest or trust store document is larger than the configured cap. */
  MANIFEST_TOO_LARGE,
  /** A manifest field has a value outside its allowed range or form. */
  MANIFEST_FIELD_INVALID,
  /** A manifest carries no usable signature. */
  SIGNATURE_MISSING,
  /** A signature does not verify against its key. */
  SIGNATURE_INVALID,
  /** Fewer distinct trusted keys signed than the trust store's threshold requires. */
  SIGNATURE_THRESHOLD_NOT_MET,
  /** A signature names a key the trust store does not hold. */
  KEY_UNKNOWN,
  /** A key file or key material cannot be used. */
  KEY_INVALID,
  /** A trust store is malformed, expired, or inconsistent. */
  TRUST_STORE_INVALID,
  /** A new trust store was not signed by a threshold of the current keys or is not newer. */
  TRUST_ROTATION_REJECTED,
  /** A manifest's {@code expires} instant has passed. */
  MANIFEST_EXPIRED,
  /** A manifest's sequence is not higher than the highest one accepted (anti-rollback). */
  SEQUENCE_NOT_HIGHER,
  /** A manifest's version is lower than the installed one without the downgrade flag. */
  VERSION_DOWNGRADE,
  /** The device type is not in the manifest's {@code targetDeviceTypes}. */
  DEVICE_TYPE_MISMATCH,
  /** The agent is older than the manifest's {@code minAgentVersion}. */
  AGENT_TOO_OLD,
  /** A payload's size or SHA-256 differs from what the manifest states. */
  PAYLOAD_MISMATCH,

  // Transport and downloads
  /** The server answered with an HTTP status the client cannot use. */
  HTTP_STATUS,
  /** The server broke the HTTP contract (for example a wrong {@code Content-Range}). */
  HTTP_PROTOCOL,
  /** The server was refused authentication or authorisation. */
  AUTH_REJECTED,
  /** A connection failed, was reset or timed out. */
  TRANSPORT_ERROR,
  /** TLS material (CA bundle, client certificate) cannot be loaded. */
  TLS_CONFIG,
  /** The server sent more bytes than the expected size. */
  DOWNLOAD_TOO_LARGE,
  /** The body ended before the expected size was reached. */
  DOWNLOAD_TRUNCATED,
  /** Throughput stayed below the configured minimum over the configured window. */
  DOWNLOAD_TOO_SLOW,
  /** The overall download deadline passed. */
  DOWNLOAD_DEADLINE,
  /** The resource's validator (ETag or Last-Modified) changed between attempts. */
  VALIDATOR_CHANGED,
  /** Every permitted attempt failed. */
  RETRIES_EXHAUSTED,
  /** A wire message (check-in, status report, acknowledgement) is malformed or off-schema. */
  WIRE_MALFORMED,

  // Deltas
  /** A delta patch is malformed or hostile. */
  DELTA_CORRUPT,
  /** A delta is in a format or compression other than BSDIFF40 with bzip2. */
  DELTA_UNSUPPORTED_FORMAT,
  /** The installed image does not hash to the delta's {@code fromSha256}. */
  DELTA_BASE_MISMATCH,

  // Boot environment and slots
  /** No copy of the boot environment passes its CRC check. */
  BOOT_ENV_UNREADABLE,
  /** The variables do not fit in the configured environment size. */
  BOOT_ENV_FULL,
  /** A {@code fw_env.config} line cannot be used. */
  BOOT_ENV_CONFIG_INVALID,
  /** A variable name is empty or contains {@code =} or a control character. */
  BOOT_ENV_NAME_INVALID,
  /** A boot environment write did not read back as written. */
  BOOT_ENV_WRITE_FAILED,
  /** A write to the active (booted) slot was refused. */
  SLOT_ACTIVE,
  /** An image is larger than the slot that should hold it. */
  SLOT_TOO_SMALL,
  /** A slot did not read back with the expected digest. */
  SLOT_VERIFY_FAILED,

  // Health
  /** A critical health check failed. */
  HEALTH_CHECK_FAILED,
  /** A health check or the whole run exceeded its time limit. */
  HEALTH_TIMEOUT,

  // Agent
  /** A state machine was asked for a transition its table does not allow. */
  ILLEGAL_TRANSITION,
  /** The agent's journal on disk cannot be read. */
  JOURNAL_CORRUPT,
  /** A component names a type no installer handles. */
  COMPONENT_TYPE_UNKNOWN,
  /** An archive entry escapes the staging directory or is of a forbidden kind. */
  ARCHIVE_HOSTILE,
  /** An archive exceeds its entry or byte budget. */
  ARCHIVE_TOO_LARGE,
  /** An archive ends early or is not a valid archive. */
  ARCHIVE_TRUNCATED,
  /** A configuration component cannot be merged. */
  CONFIG_MERGE_FAILED,
  /** A component installer failed. */
  INSTALL_FAILED,
  /** The reboot request failed. */
  REBOOT_FAILED,
  /** The commit of the booted slot could not be written. */
  COMMIT_FAILED,
  /** The trial slot did not come up: the bootloader fell back to the committed slot. */
  TRIAL_BOOT_FAILED,

  // Controller
  /** No rollout has the given id. */
  ROLLOUT_NOT_FOUND,
  /** A rollout definition (stages, thresholds, filter) is invalid. */
  ROLLOUT_CONFIG_INVALID,
  /** No device has the given id. */
  DEVICE_NOT_FOUND,
  /** No release has the given version. */
  RELEASE_NOT_FOUND,
  /** A release does not verify against the controller's trust store. */
  RELEASE_REJECTED,
  /** The caller presented no valid credentials. */
  UNAUTHORIZED,
  /** The caller may not access the resource. */
  FORBIDDEN,
  /** Another writer changed the same state first. */
  CONFLICT,
  /** The rollout store failed. */
  STORE_ERROR
}
