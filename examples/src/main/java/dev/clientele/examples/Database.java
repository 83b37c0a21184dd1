package dev.clientele.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.storage.jdbc.JdbcStorage;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --jdbc URL [--jdbc-user U] [--jdbc-password P]} options: run a command on a
 * PostgreSQL database or an H2 file instead of a new in-memory store. The database keeps what
 * was ingested, so a later run sees it (events already stored count as duplicates).
 */
final class Database implements AutoCloseable {
  /** The option names, for a command's allowed set. */
  static final Set<String> OPTIONS = Set.of("jdbc", "jdbc-user", "jdbc-password");

  private final HikariDataSource pool;
  private final Storage storage;

  private Database(HikariDataSource pool, Storage storage) {
    this.pool = pool;
    this.storage = storage;
  }

  /** {@code allowed} plus the database options. */
  static Set<String> withOptions(Set<String> allowed) {
    Set<String> all = new HashSet<>(allowed);
    all.addAll(OPTIONS);
    return Set.copyOf(all);
  }

  /**
   * Opens the database named by {@code --jdbc}, if given, creating or upgrading its schema.
   *
   * @throws CliException if the URL is not a PostgreSQL or H2 one, or the database cannot be
   *     opened (the message names the URL without its password)
   */
  static Optional<Database> open(Options o) throws CliException {
    Optional<String> url = o.get("jdbc");
    if (url.isEmpty()) {
      if (o.get("jdbc-user").isPresent() || o.get("jdbc-password").isPresent()) {
        throw new CliException("--jdbc-user and --jdbc-password need --jdbc");
      }
      return Optional.empty();
    }
    String u = url.get().strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:postgresql:") && !lower.startsWith("jdbc:h2:")) {
      throw new CliException("--jdbc must be a PostgreSQL or H2 URL (jdbc:postgresql://host/db or "
          + "jdbc:h2:file:./path): " + redact(u));
    }
    // The pool's start-up chatter is not the command's output.
    if (System.getProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(u);
    o.get("jdbc-user").ifPresent(config::setUsername);
    o.get("jdbc-password").ifPresent(config::setPassword);
    config.setMaximumPoolSize(4);
    config.setPoolName("clientele-cli");
    config.setInitializationFailTimeout(1); // an unreachable server fails now, not after 30 s
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CliException("cannot open --jdbc " + redact(u) + ": " + cause.getMessage(), e);
    }
    try {
      return Optional.of(new Database(pool, JdbcStorage.open(pool)));
    } catch (StorageException | IllegalArgumentException | IllegalStateException e) {
      pool.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CliException("cannot open --jdbc " + redact(u) + ": " + e.getMessage()
          + (cause != e ? " (" + cause.getMessage() + ")" : ""), e);
    }
  }

  /** The URL with any {@code password=} parameter hidden. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  Storage storage() {
    return storage;
  }

  @Override
  public void close() {
    storage.close();
    pool.close();
  }
}
