package dev.clientele.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --jdbc URL [--jdbc-user U] [--jdbc-password P] [--salt-file F]} options: run a
 * command on a PostgreSQL database or an H2 file instead of a new in-memory store. A database
 * needs a fixed erasure salt ({@code --salt-file} or {@value #SALT_ENV}). The database keeps what
 * was ingested, so a later run sees it (events already stored count as duplicates).
 */
final class Database implements AutoCloseable {
  /** The option names, for a command's allowed set. */
  static final Set<String> OPTIONS = Set.of("jdbc", "jdbc-user", "jdbc-password", "salt-file");

  /** The environment variable that may hold the erasure salt instead of {@code --salt-file}. */
  static final String SALT_ENV = "CLIENTELE_ERASURE_SALT";

  private final HikariDataSource pool;
  private final Storage storage;
  private final ErasurePolicy erasurePolicy;

  private Database(HikariDataSource pool, Storage storage, ErasurePolicy erasurePolicy) {
    this.pool = pool;
    this.storage = storage;
    this.erasurePolicy = erasurePolicy;
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
      if (o.get("jdbc-user").isPresent() || o.get("jdbc-password").isPresent() || o.get("salt-file").isPresent()) {
        throw new CliException("--jdbc-user, --jdbc-password and --salt-file need --jdbc");
      }
      return Optional.empty();
    }
    String u = url.get().strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:postgresql:") && !lower.startsWith("jdbc:h2:")) {
      throw new CliException("--jdbc must be a PostgreSQL or H2 URL (jdbc:postgresql://host/db or "
          + "jdbc:h2:file:./path): " + redact(u));
    }
    ErasurePolicy erasure = erasurePolicy(o);
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
      return Optional.of(new Database(pool, JdbcStorage.open(pool), erasure));
    } catch (StorageException | IllegalArgumentException | IllegalStateException e) {
      pool.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CliException("cannot open --jdbc " + redact(u) + ": " + e.getMessage()
          + (cause != e ? " (" + cause.getMessage() + ")" : ""), e);
    }
  }

  /**
   * The erasure salt of a database: tombstones are salted hashes, so the salt must stay the same
   * from run to run and stay secret. Read from {@code --salt-file} or {@value #SALT_ENV}.
   */
  private static ErasurePolicy erasurePolicy(Options o) throws CliException {
    byte[] salt;
    Optional<Path> file = o.path("salt-file");
    if (file.isPresent()) {
      try {
        salt = Files.readString(file.get(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliException("cannot read --salt-file " + file.get() + ": " + e.getMessage(), e);
      }
    } else {
      String env = System.getenv(SALT_ENV);
      if (env == null || env.isBlank()) {
        throw new CliException("--jdbc needs the erasure salt (a secret of at least 16 bytes, the same on every run): "
            + "give --salt-file FILE or set " + SALT_ENV);
      }
      salt = env.strip().getBytes(StandardCharsets.UTF_8);
    }
    if (salt.length < 16) {
      throw new CliException("the erasure salt must be at least 16 bytes, not " + salt.length);
    }
    return ErasurePolicy.builder().salt(salt).build();
  }

  ErasurePolicy erasurePolicy() {
    return erasurePolicy;
  }

  /** The URL with any {@code password=} parameter hidden. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  Storage storage() {
    return storage;
  }

  /** Segment memberships over time in the same database, so "added on" dates persist between runs. */
  dev.clientele.segments.MembershipStore membershipStore() {
    return dev.clientele.storage.jdbc.JdbcMembershipStore.open(pool);
  }

  @Override
  public void close() {
    storage.close();
    pool.close();
  }
}
