package dev.clientele.examples;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --name value} options of one command. Each option may be given once, as
 * {@code --name value} or {@code --name=value}; anything else is a usage error.
 */
final class Options {
  private final String command;
  private final Map<String, String> values;
  private final Path workingDir;

  private Options(String command, Map<String, String> values, Path workingDir) {
    this.command = command;
    this.values = values;
    this.workingDir = workingDir;
  }

  /**
   * Parses {@code args[1..]} of {@code command}, accepting only {@code allowed} option names
   * (without the dashes).
   */
  static Options parse(String command, String[] args, Set<String> allowed, Path workingDir) throws CliException {
    return parse(command, args, allowed, Set.of(), workingDir);
  }

  /**
   * As {@link #parse(String, String[], Set, Path)}, also accepting {@code flags}: options that
   * take no value and read as {@code "true"} when given.
   */
  static Options parse(String command, String[] args, Set<String> allowed, Set<String> flags, Path workingDir)
      throws CliException {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new CliException("unexpected argument for " + command + ": " + arg + " (options are --name value)");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (flags.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new CliException("option --" + name + " needs a value");
        }
        value = args[++i];
      }
      if (!allowed.contains(name) && !flags.contains(name)) {
        throw new CliException("unknown option for " + command + ": --" + name
            + (allowed.isEmpty() ? " (it takes none)" : " (expected " + list(allowed) + ")"));
      }
      if (values.containsKey(name)) {
        throw new CliException("option --" + name + " was given twice");
      }
      if (value.isBlank()) {
        throw new CliException("option --" + name + " must not be blank");
      }
      values.put(name, value);
    }
    return new Options(command, values, workingDir);
  }

  private static String list(Set<String> allowed) {
    return String.join(", ", allowed.stream().sorted().map(n -> "--" + n).toList());
  }

  Path workingDir() {
    return workingDir;
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  String require(String name) throws CliException {
    String v = values.get(name);
    if (v == null) {
      throw new CliException(command + " needs --" + name + " (see: clientele help)");
    }
    return v;
  }

  /** The option as a path resolved against the working directory. */
  Optional<Path> path(String name) {
    return get(name).map(v -> workingDir.resolve(v).normalize());
  }

  Path requirePath(String name) throws CliException {
    return workingDir.resolve(require(name)).normalize();
  }

  LocalDate requireDate(String name) throws CliException {
    return date(name, require(name));
  }

  /** The option as a date, if given. */
  Optional<LocalDate> optionalDate(String name) throws CliException {
    Optional<String> v = get(name);
    return v.isEmpty() ? Optional.empty() : Optional.of(date(name, v.get()));
  }

  private static LocalDate date(String name, String v) throws CliException {
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new CliException("--" + name + " must be a date YYYY-MM-DD: " + v, e);
    }
  }

  Optional<Long> longValue(String name) throws CliException {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v.get().strip()));
    } catch (NumberFormatException e) {
      throw new CliException("--" + name + " must be a whole number: " + v.get(), e);
    }
  }
}
