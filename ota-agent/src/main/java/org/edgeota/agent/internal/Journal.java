package org.edgeota.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.edgeota.agent.Transitions;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable record of where its update cycle stands.
 *
 * <p>Design notes. The record is one small JSON file, {@code journal.json}, replaced as a whole
 * through {@link AtomicFiles#write} (temporary file, fsync, rename, fsync of the directory), so a
 * power cut leaves either the previous record or the new one. The file carries a SHA-256 of its
 * record; a file that does not parse, lacks a field, or whose digest differs is reported as {@code
 * JOURNAL_CORRUPT}, never read as "idle". Callers write the record <em>before</em> the action it
 * announces; a state change is checked against {@link Transitions} before anything is written.
 */
public final class Journal {
  /** The journal's file name inside the state directory. */
  public static final String FILE_NAME = "journal.json";

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final int FORMAT = 1;

  private final Path file;
  private final Clock clock;
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final ObjectMapper mapper = MAPPER;
  private final Consumer<String> probe;
  private JournalRecord current;

  /**
   * Creates a journal over a state directory; nothing is read or written yet.
   *
   * @param stateDir the agent's state directory
   * @param clock the clock stamping records
   */
  public Journal(Path stateDir, Clock clock) {
    this(stateDir, clock, step -> {});
  }

  /**
   * Creates a journal that tells an observer about each write, before and after it.
   *
   * @param stateDir the agent's state directory
   * @param clock the clock stamping records
   * @param probe receives {@code "journal before <STATE>"} and {@code "journal after <STATE>"}
   */
  public Journal(Path stateDir, Clock clock, Consumer<String> probe) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.file = stateDir.resolve(FILE_NAME);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Returns the journal file.
   *
   * @return the path of {@code journal.json}
   */
  public Path file() {
    return file;
  }

  /**
   * Loads the record from disk.
   *
   * @return the record, or empty when no journal was ever written
   * @throws OtaException with {@code JOURNAL_CORRUPT} when the file exists but cannot be used, or
   *     {@code IO_ERROR} when it cannot be read
   */
  public Optional<JournalRecord> load() {
    AtomicFiles.removeTemporaries(file.getParent());
    if (!Files.exists(file)) {
      current = null;
      return Optional.empty();
    }
    current = decode(AtomicFiles.read(file));
    return Optional.of(current);
  }

  /**
   * Returns the record last loaded or written.
   *
   * @return the record
   * @throws IllegalStateException when nothing was loaded or written yet
   */
  public JournalRecord current() {
    if (current == null) {
      throw new IllegalStateException("journal not loaded");
    }
    return current;
  }

  /**
   * Writes the first record of a device, or a record replacing an unusable journal.
   *
   * @param record the record
   * @return the record as written
   */
  public JournalRecord initialise(JournalRecord record) {
    return persist(record, record.revision());
  }

  /**
   * Durably records a state change, after checking it against the transition table.
   *
   * @param next the new record; its state must be a legal successor of the current one
   * @return the record as written
   * @throws OtaException with {@code ILLEGAL_TRANSITION} (nothing written) or {@code IO_ERROR}
   */
  public JournalRecord transition(JournalRecord next) {
    JournalRecord prev = current();
    Transitions.check(prev.state(), next.state());
    LOG.info("journal: {} -> {} (update {})", prev.state(), next.state(), next.updateId());
    return persist(next, prev.revision());
  }

  /**
   * Durably records progress inside the current state (a sub-step).
   *
   * @param next the new record; its state must equal the current one
   * @return the record as written
   * @throws OtaException with {@code ILLEGAL_TRANSITION} when the state differs, or {@code
   *     IO_ERROR}
   */
  public JournalRecord update(JournalRecord next) {
    JournalRecord prev = current();
    if (prev.state() != next.state()) {
      Transitions.check(prev.state(), next.state());
    }
    return persist(next, prev.revision());
  }

  /**
   * Moves an unusable journal aside so that it can be inspected later.
   *
   * @return where the file went
   * @throws OtaException with {@code IO_ERROR}
   */
  public Path quarantine() {
    Path aside = file.resolveSibling(FILE_NAME + ".corrupt-" + clock.millis());
    try {
      AtomicFiles.moveAtomically(file, aside);
      AtomicFiles.fsyncDirectory(file.getParent());
    } catch (IOException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, file.toString(), "moving corrupt journal aside failed: " + e, e);
    }
    current = null;
    return aside;
  }

  private JournalRecord persist(JournalRecord next, long prevRevision) {
    JournalRecord stamped =
        next.toBuilder().revision(prevRevision + 1).updatedAtMillis(clock.millis()).build();
    probe.accept("journal before " + stamped.state());
    AtomicFiles.write(file, encode(stamped));
    current = stamped;
    probe.accept("journal after " + stamped.state());
    return stamped;
  }

  byte[] encode(JournalRecord record) {
    try {
      JsonNode body = mapper.valueToTree(record);
      ObjectNode root = mapper.createObjectNode();
      root.put("format", FORMAT);
      root.put("sha256", digest(body));
      root.set("record", body);
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new OtaException(
          ReasonCode.IO_ERROR, record.state().name(), "journal record not serialisable: " + e, e);
    }
  }

  JournalRecord decode(byte[] bytes) {
    try {
      JsonNode root = mapper.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw corrupt("expected a JSON object, found " + (root == null ? "nothing" : root));
      }
      if (root.path("format").asInt(-1) != FORMAT) {
        throw corrupt("field 'format': expected " + FORMAT + ", found " + root.get("format"));
      }
      JsonNode body = root.get("record");
      String stored = root.path("sha256").asText("");
      if (body == null || !body.isObject()) {
        throw corrupt("field 'record': expected an object, found " + body);
      }
      String actual = digest(body);
      if (!actual.equals(stored)) {
        throw corrupt("field 'sha256': expected " + actual + ", found '" + stored + "'");
      }
      return mapper.treeToValue(body, JournalRecord.class);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw corrupt("cannot decode: " + e.getMessage(), e);
    }
  }

  private String digest(JsonNode body) throws JsonProcessingException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(md.digest(mapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }

  private OtaException corrupt(String what) {
    return corrupt(what, null);
  }

  private OtaException corrupt(String what, Throwable cause) {
    return new OtaException(
        ReasonCode.JOURNAL_CORRUPT, file.toString(), "journal '" + file + "': " + what, cause);
  }
}
