package org.edgeota.rollout;

import java.nio.file.Path;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.rollout.internal.InMemoryStore;
import org.edgeota.rollout.internal.JdbcStore;

/** Named factories for the {@link ControllerStore} implementations. */
public final class RolloutStores {
  private static final int POSTGRES_CONNECTIONS = 4;
  private static final int MAX_POSTGRES_CONNECTIONS = 256;

  private RolloutStores() {}

  /**
   * Returns a store that keeps everything in memory.
   *
   * <p>Note: nothing survives the process; use it for tests and demos only.
   *
   * @return a new, empty store
   */
  public static ControllerStore inMemory() {
    return new InMemoryStore();
  }

  /**
   * Opens an embedded SQLite database file for a controller on one machine, creating it and
   * applying schema migrations as needed. The file runs in WAL mode with {@code synchronous=FULL},
   * so an acknowledged status report survives a power cut.
   *
   * @param file the database file; its directory must exist
   * @return the store
   * @throws org.edgeota.api.OtaException with {@code STORE_ERROR} when the file cannot be opened or
   *     migrated
   */
  public static ControllerStore embedded(Path file) {
    return JdbcStore.sqlite(file);
  }

  /**
   * Connects to PostgreSQL for controllers that share the work on several instances, applying
   * schema migrations as needed (instances starting at once serialise on an advisory lock).
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL; add {@code ?currentSchema=name} to use a schema
   *     other than {@code public} (it must exist)
   * @param user the database user
   * @param password the password, or {@code null} (for example with trust authentication)
   * @return the store, with a small pool of connections
   * @throws org.edgeota.api.OtaException with {@code STORE_ERROR} when the server cannot be reached
   *     or the schema cannot be migrated, {@code INVALID_ARGUMENT} for a URL of another database
   */
  public static ControllerStore postgres(String jdbcUrl, String user, String password) {
    return postgres(jdbcUrl, user, password, POSTGRES_CONNECTIONS);
  }

  /**
   * Connects to PostgreSQL like {@link #postgres(String, String, String)}, with a pool of the given
   * size: one connection serves one transaction at a time, so a controller instance that handles
   * many check-ins at once wants more than the default of {@value #POSTGRES_CONNECTIONS}, within
   * the server's {@code max_connections} shared by all instances.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL
   * @param user the database user
   * @param password the password, or {@code null}
   * @param connections the pool size, 1 to {@value #MAX_POSTGRES_CONNECTIONS}
   * @return the store
   * @throws org.edgeota.api.OtaException with {@code INVALID_ARGUMENT} for a pool size out of range
   *     or a URL of another database, {@code STORE_ERROR} when the server cannot be reached or the
   *     schema cannot be migrated
   */
  public static ControllerStore postgres(
      String jdbcUrl, String user, String password, int connections) {
    if (connections < 1 || connections > MAX_POSTGRES_CONNECTIONS) {
      throw new OtaException(
          ReasonCode.INVALID_ARGUMENT,
          String.valueOf(connections),
          "PostgreSQL pool size: expected 1 to "
              + MAX_POSTGRES_CONNECTIONS
              + " connections, found "
              + connections);
    }
    return JdbcStore.postgres(jdbcUrl, user, password, connections);
  }
}
