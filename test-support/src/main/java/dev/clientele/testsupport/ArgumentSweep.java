package dev.clientele.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A reflective sweep of the argument checks of a module's public API (test code only).
 *
 * <p>It lives in {@code clientele-test-support}, a module of the build that every module's tests
 * depend on (test scope) and that depends on nothing of Clientele: {@code tck} is published API
 * for storage backends and depends on {@code segments}, so the lower modules could not use it.
 *
 * <p>For every public constructor, static method and instance method (on a receiver the module's
 * test can make) of the public types of the module's non-{@code internal} packages, the sweep:
 *
 * <ul>
 *   <li>passes {@code null} to each reference parameter in turn (the others valid) and expects a
 *       {@link NullPointerException} or {@link IllegalArgumentException} whose message names the
 *       parameter; a JVM "helpful" NPE message ("Cannot invoke … because …") does not count: it is
 *       a crash deep inside, not a check;
 *   <li>passes -1, 0, the maximum and, for floating-point parameters, NaN and both infinities to
 *       each numeric parameter: accepted, or an {@link IllegalArgumentException} naming it;
 *   <li>passes an empty, a blank and a 10 MB string, and values with a control character and an
 *       unpaired surrogate, to each {@code String} parameter: accepted, or an exception naming it,
 *       whose message is short and, for parameters that carry personal data, does not show the raw
 *       value (every probe value carries the marker {@value #MARK});
 *   <li>passes a mutable collection to each collection parameter, changes it after the call and
 *       checks that the result did not change, and checks that a collection returned by a result
 *       or receiver cannot be modified.
 * </ul>
 *
 * <p>A probe whose all-valid baseline call fails the same way is "inconclusive", not a finding:
 * the sweep could not build valid arguments for it.
 */
public final class ArgumentSweep {
  /** The marker every string probe and personal-data value carries; a message must not show it. */
  public static final String MARK = "quux";
  /** Returned by a value factory that cannot make a value of a type. */
  public static final Object NONE = new Object();

  private static final String HUGE = MARK.repeat(10 * 1024 * 1024 / MARK.length());
  private static final List<String> STRING_PROBES =
      List.of("", "   ", HUGE, "ann." + MARK + "\u0000@example.com", "ann." + MARK + "\uD800@example.com", "+44 " + MARK + "\n7700");
  private static final int MAX_MESSAGE = 2_000;
  /** Method names that say nothing about what their parameters are. */
  private static final Set<String> GENERIC_METHODS = Set.of("new", "of", "from", "apply", "create", "parse", "copyOf",
      "builder", "build", "value", "values", "valueOf", "compute", "run", "get", "with", "fixed", "in", "accept", "test");

  /** Makes a valid value of a type for a parameter ({@code member} is {@code Owner#name}). */
  public interface Values {
    /** Returns a valid value, or {@link #NONE}. */
    Object make(Type type, String member, String param);
  }

  private final List<Class<?>> types;
  private final Values values;
  private final Function<Class<?>, Object> receivers;
  private final Map<String, String> nullable = new HashMap<>();
  private final Map<String, String> skips = new HashMap<>();
  private final Map<String, String> allowed = new HashMap<>();
  private final Map<String, List<String>> aliases = new HashMap<>();
  private Predicate<String> personal = p -> false;
  private long timeoutMillis = 3_000;
  private boolean closeReceivers = true;
  private final Set<Class<?>> abstractToo = new HashSet<>();

  public int members;
  public int nullProbes;
  public int numberProbes;
  public int stringProbes;
  public int collectionProbes;
  public int returnedCollections;
  public final List<String> skipped = new ArrayList<>();
  public final List<String> inconclusive = new ArrayList<>();
  public final List<String> findings = new ArrayList<>();
  public final List<String> accepted = new ArrayList<>();

  private ExecutorService worker = newWorker();

  public ArgumentSweep(List<Class<?>> types, Values values, Function<Class<?>, Object> receivers) {
    this.types = types;
    this.values = values;
    this.receivers = receivers;
  }

  /** The public types of the non-internal packages under the classes directory of {@code anchor}. */
  public static List<Class<?>> publicTypes(Class<?> anchor) {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Class<?>> out = new ArrayList<>();
    List<String> entries;
    if (Files.isRegularFile(root)) { // a module's jar (a reactor build past "package")
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
        entries = jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).sorted()
            .collect(Collectors.toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      try (Stream<Path> files = Files.walk(root)) {
        entries = files.filter(p -> p.toString().endsWith(".class")).map(f -> root.relativize(f).toString()).sorted()
            .collect(Collectors.toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      for (String entry : entries) {
        String name = entry.replace('/', '.').replace('\\', '.');
        name = name.substring(0, name.length() - ".class".length());
        if (name.contains(".internal.") || name.endsWith("package-info") || name.endsWith("module-info")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, anchor.getClassLoader());
        if (isApi(c)) {
          out.add(c);
        }
      }
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static boolean isApi(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /** Parameters ({@code Owner#name/param}) whose Javadoc gives {@code null} a meaning. */
  public ArgumentSweep nullable(String key, String why) {
    nullable.put(key, why);
    return this;
  }

  /** Members ({@code Owner#name}) the sweep must not call, with the reason. */
  public ArgumentSweep skip(String member, String why) {
    skips.put(member, why);
    return this;
  }

  /**
   * A probe outcome that is documented: {@code Owner#name/param=probe} (probe: null, -1, 0, max, NaN,
   * +Inf, -Inf, empty, blank, huge, control, surrogate, newline) or {@code Owner#name/param=*}.
   */
  public ArgumentSweep allow(String key, String why) {
    allowed.put(key, why);
    return this;
  }

  /**
   * Another name a message may use for a parameter ({@code Owner#name/param}), such as the domain
   * name "profile id" for the parameter {@code value} of {@code ProfileId#of}.
   */
  public ArgumentSweep alias(String key, String word) {
    aliases.computeIfAbsent(key, k -> new ArrayList<>()).add(word);
    return this;
  }

  /**
   * The parameter names that carry personal data in every module: identifier values, emails,
   * phones and customer ids.
   */
  public static final Predicate<String> PERSONAL =
      p -> p.equals("value") || p.contains("email") || p.contains("phone") || p.contains("customer");

  /**
   * The usual sweep of {@code types}: arguments from {@link #values values(byKey, byName, own)},
   * receivers from {@code own}, and {@link #PERSONAL} parameters masked.
   */
  public static ArgumentSweep over(List<Class<?>> types, Map<String, java.util.function.Supplier<?>> byKey,
      Map<String, java.util.function.Supplier<?>> byName, Map<Class<?>, java.util.function.Supplier<?>> own) {
    return new ArgumentSweep(types, values(byKey, byName, own), c -> own.containsKey(c) ? own.get(c).get() : null)
        .personal(PERSONAL);
  }

  /** Which parameter names carry personal data (their probes' messages must be masked). */
  public ArgumentSweep personal(Predicate<String> p) {
    personal = p;
    return this;
  }

  /**
   * Also sweeps the abstract methods of {@code type} (an interface whose implementation the caller
   * gets but cannot name, e.g. the facade's {@code segments()}), on the receiver the test gives.
   */
  public ArgumentSweep abstractMethodsOf(Class<?> type) {
    abstractToo.add(type);
    return this;
  }

  /** Whether receivers are closed after each call (false when the test shares one, e.g. a database). */
  public ArgumentSweep closeReceivers(boolean close) {
    closeReceivers = close;
    return this;
  }

  public ArgumentSweep timeoutMillis(long millis) {
    timeoutMillis = millis;
    return this;
  }

  /** Runs the sweep. */
  public ArgumentSweep run() {
    try {
      for (Class<?> c : types) {
        List<Executable> list = new ArrayList<>();
        if (!Modifier.isAbstract(c.getModifiers()) && !c.isEnum()) {
          list.addAll(Arrays.asList(c.getConstructors()));
        }
        for (Method m : c.getDeclaredMethods()) {
          if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()
              && (!objectMethod(c, m) || abstractToo.contains(c) && Modifier.isAbstract(m.getModifiers()))) {
            list.add(m);
          }
        }
        list.sort(Comparator.comparing(ArgumentSweep::describe));
        for (Executable e : list) {
          if (e.getParameterCount() > 0) {
            sweep(c, e);
          }
        }
      }
    } finally {
      worker.shutdownNow();
    }
    return this;
  }

  private static boolean objectMethod(Class<?> c, Method m) {
    String n = m.getName();
    Class<?>[] p = m.getParameterTypes();
    if (n.equals("equals") && p.length == 1 && p[0] == Object.class) {
      return true;
    }
    if (n.equals("compareTo") && p.length == 1) {
      return true; // Comparable's contract: compareTo(null) throws NullPointerException, no message asked
    }
    if (c.isEnum() && (n.equals("valueOf") || n.equals("values"))) {
      return true; // generated by the compiler
    }
    return Modifier.isAbstract(m.getModifiers()); // reached through an implementation's receiver
  }

  private static String owner(Class<?> c) {
    String n = c.getName();
    return n.substring(n.lastIndexOf('.') + 1).replace('$', '.');
  }

  private static String memberKey(Class<?> c, Executable e) {
    return owner(c) + "#" + (e instanceof Constructor ? "new" : e.getName());
  }

  private static String describe(Executable e) {
    return (e instanceof Constructor ? "new" : e.getName())
        + Arrays.stream(e.getParameters()).map(Parameter::getName).collect(Collectors.joining(",", "(", ")"));
  }

  private void sweep(Class<?> c, Executable e) {
    String member = memberKey(c, e);
    String full = owner(c) + "#" + describe(e);
    if (skips.containsKey(member) || skips.containsKey(full)) {
      skipped.add(full + ": " + skips.getOrDefault(full, skips.get(member)));
      return;
    }
    Parameter[] ps = e.getParameters();
    if (!ps[0].isNamePresent()) {
      throw new IllegalStateException("compile the main code with -parameters: " + full);
    }
    boolean isStatic = e instanceof Constructor || Modifier.isStatic(e.getModifiers());
    if (!isStatic) {
      Object r;
      try {
        r = c.isEnum() ? c.getEnumConstants()[0] : receivers.apply(c);
      } catch (RuntimeException ex) {
        throw new IllegalStateException("the test's receiver of " + owner(c) + " fails: " + ex, ex);
      }
      if (r == null) {
        skipped.add(full + ": no receiver of " + owner(c));
        return;
      }
      if (closeReceivers) {
        closeQuietly(r);
      }
    }
    Object[] valid = new Object[ps.length];
    for (int i = 0; i < ps.length; i++) {
      valid[i] = values.make(ps[i].getParameterizedType(), member, ps[i].getName());
      if (valid[i] == NONE) {
        skipped.add(full + ": no valid value for " + ps[i].getName() + " (" + ps[i].getParameterizedType().getTypeName() + ")");
        return;
      }
    }
    members++;
    Outcome baseline = call(c, e, valid.clone());
    for (int i = 0; i < ps.length; i++) {
      Parameter p = ps[i];
      Class<?> t = p.getType();
      String key = member + "/" + p.getName();
      if (!t.isPrimitive()) {
        nullProbes++;
        Object[] args = valid.clone();
        args[i] = null;
        judgeNull(full, key, p.getName(), call(c, e, args), baseline);
      }
      if (t == int.class || t == long.class || t == double.class || t == float.class || t == Integer.class
          || t == Long.class || t == Double.class) {
        for (Map.Entry<String, Object> probe : numberProbes(t).entrySet()) {
          numberProbes++;
          Object[] args = valid.clone();
          args[i] = probe.getValue();
          judgeValue(full, key, p.getName(), probe.getKey(), call(c, e, args), baseline, false);
        }
      }
      if (t == String.class || t == Object.class || t == CharSequence.class) {
        String[] names = {"empty", "blank", "huge", "control", "surrogate", "newline"};
        for (int k = 0; k < STRING_PROBES.size(); k++) {
          stringProbes++;
          Object[] args = valid.clone();
          args[i] = STRING_PROBES.get(k);
          judgeValue(full, key, p.getName(), names[k], call(c, e, args), baseline, personal.test(p.getName()));
        }
      }
      if (Collection.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t)) {
        collectionProbe(c, e, full, key, i, valid);
      }
    }
    if (baseline.error == null && baseline.result != null) {
      checkReturned(full, baseline.result);
    }
  }

  private static Map<String, Object> numberProbes(Class<?> t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (t == int.class || t == Integer.class) {
      m.put("-1", -1);
      m.put("0", 0);
      m.put("max", Integer.MAX_VALUE);
    } else if (t == long.class || t == Long.class) {
      m.put("-1", -1L);
      m.put("0", 0L);
      m.put("max", Long.MAX_VALUE);
    } else if (t == float.class) {
      m.put("-1", -1f);
      m.put("0", 0f);
      m.put("NaN", Float.NaN);
      m.put("+Inf", Float.POSITIVE_INFINITY);
      m.put("-Inf", Float.NEGATIVE_INFINITY);
    } else {
      m.put("-1", -1.0);
      m.put("0", 0.0);
      m.put("NaN", Double.NaN);
      m.put("+Inf", Double.POSITIVE_INFINITY);
      m.put("-Inf", Double.NEGATIVE_INFINITY);
    }
    return m;
  }

  private boolean isAllowed(String key, String probe) {
    return allowed.containsKey(key + "=" + probe) || allowed.containsKey(key + "=*");
  }

  private void judgeNull(String full, String key, String name, Outcome o, Outcome baseline) {
    if (nullable.containsKey(key) || isAllowed(key, "null")) {
      return;
    }
    if (o.timedOut) {
      findings.add(full + " null " + name + ": did not return within " + timeoutMillis + " ms");
      return;
    }
    if (o.error == null) {
      findings.add(full + " null " + name + ": accepted (no exception)");
      return;
    }
    Throwable t = o.error;
    if ((t instanceof NullPointerException || t instanceof IllegalArgumentException) && names(t.getMessage(), key)) {
      return;
    }
    if (baseline.error != null && sameFailure(baseline.error, t)) {
      inconclusive.add(full + " null " + name + ": baseline fails too: " + brief(baseline.error));
      return;
    }
    findings.add(full + " null " + name + ": " + brief(t));
  }

  private void judgeValue(String full, String key, String name, String probe, Outcome o, Outcome baseline, boolean pii) {
    if (o.timedOut) {
      if (!isAllowed(key, probe)) {
        findings.add(full + " " + name + "=" + probe + ": did not return within " + timeoutMillis + " ms");
      }
      return;
    }
    if (o.error == null) {
      accepted.add(key + "=" + probe);
      if ((probe.equals("NaN") || probe.endsWith("Inf")) && !isAllowed(key, probe)) {
        findings.add(full + " " + name + "=" + probe + ": accepted (no exception)");
      }
      return;
    }
    Throwable t = o.error;
    String msg = String.valueOf(t.getMessage());
    if (msg.length() > MAX_MESSAGE) {
      findings.add(full + " " + name + "=" + probe + ": message of " + msg.length() + " chars: " + brief(t));
      return;
    }
    if (pii && msg.toLowerCase(Locale.ROOT).contains(MARK)) {
      findings.add(full + " " + name + "=" + probe + ": message shows the raw value: " + brief(t));
      return;
    }
    if (msg.contains(MARK + "\u0000") || msg.contains(MARK + "\uD800") || msg.contains(MARK + "\n")) {
      findings.add(full + " " + name + "=" + probe + ": message carries the value's NUL, line break or unpaired surrogate: "
          + brief(t));
      return;
    }
    if (isAllowed(key, probe)) {
      return;
    }
    if ((t instanceof IllegalArgumentException || t instanceof NullPointerException) && names(msg, key)) {
      return;
    }
    if (baseline.error != null && sameFailure(baseline.error, t)) {
      inconclusive.add(full + " " + name + "=" + probe + ": baseline fails too: " + brief(baseline.error));
      return;
    }
    findings.add(full + " " + name + "=" + probe + ": " + brief(t));
  }

  private static boolean sameFailure(Throwable a, Throwable b) {
    return a.getClass() == b.getClass() && String.valueOf(a.getMessage()).equals(String.valueOf(b.getMessage()));
  }

  /**
   * Whether a message names the parameter {@code key} ({@code Owner#method/param}): by its name
   * (or its camelCase words), by the property its method sets ({@code withText(value)}: "text";
   * {@code maxEvents(value)}: "maxEvents"), or by an {@linkplain #alias alias}. A JVM helpful-NPE
   * message ("Cannot invoke … because …") does not count: it reports a crash, not a check.
   */
  public boolean names(String message, String key) {
    if (message == null || message.startsWith("Cannot ")) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    String param = key.substring(key.indexOf('/') + 1);
    String method = key.substring(key.indexOf('#') + 1, key.indexOf('/'));
    List<String> words = new ArrayList<>(aliases.getOrDefault(key, List.of()));
    words.add(param);
    if (!GENERIC_METHODS.contains(method)) {
      String prop = method.replaceFirst("^(with|set|put|add|remove|see)(?=[A-Z])", "");
      for (String w : List.of(method, prop)) {
        if (w.length() >= 2) {
          words.add(w);
        }
      }
    }
    for (String w : words) {
      String lw = w.toLowerCase(Locale.ROOT);
      String spaced = w.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
      if (m.contains(lw) || m.contains(spaced) || m.contains(spaced.replace(' ', '_')) || m.contains(spaced.replace(' ', '-'))) {
        return true;
      }
    }
    return false;
  }

  /** {@code s} with control characters and surrogates written as {@code \\uXXXX}, so a report line stays one line. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String brief(Throwable t) {
    String m = String.valueOf(t.getMessage());
    if (m.length() > 200) {
      m = m.substring(0, 200) + "…(" + m.length() + ")";
    }
    StackTraceElement at = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
    return t.getClass().getSimpleName() + "(" + printable(m) + ")" + (at == null ? "" : " at " + at.getClassName()
        .substring(at.getClassName().lastIndexOf('.') + 1) + "." + at.getMethodName() + ":" + at.getLineNumber());
  }

  // ---- valid values -----------------------------------------------------------------------------

  /**
   * A value factory: first {@code byKey} ({@code Owner#name/param}), then {@code byName} (a
   * parameter name), then {@code own} (a module type), then the JDK types every module uses.
   */
  public static Values values(Map<String, java.util.function.Supplier<?>> byKey, Map<String, java.util.function.Supplier<?>> byName,
      Map<Class<?>, java.util.function.Supplier<?>> own) {
    return new Values() {
      @Override
      public Object make(Type type, String member, String param) {
        java.util.function.Supplier<?> s = byKey.get(member + "/" + param);
        if (s != null) {
          return s.get();
        }
        s = byName.get(param);
        if (s != null) {
          Object v = s.get();
          Class<?> c = raw(type);
          if (c.isInstance(v) || c.isPrimitive() && v != null && jdk(c).getClass() == v.getClass()) {
            return v;
          }
        }
        return make(type);
      }

      private Object make(Type type) {
        Class<?> c = raw(type);
        java.util.function.Supplier<?> s = own.get(c);
        if (s != null) {
          return s.get();
        }
        Type[] args = type instanceof java.lang.reflect.ParameterizedType
            ? ((java.lang.reflect.ParameterizedType) type).getActualTypeArguments() : new Type[0];
        if (c == Optional.class) {
          return Optional.empty();
        }
        if (c == List.class || c == Collection.class || c == Iterable.class) {
          Object e = args.length == 1 ? make(args[0]) : "v";
          return e == NONE ? NONE : List.of(e);
        }
        if (c == Set.class) {
          Object e = args.length == 1 ? make(args[0]) : "v";
          return e == NONE ? NONE : Set.of(e);
        }
        if (c == SortedSet.class) {
          Object e = args.length == 1 ? make(args[0]) : "v";
          return e == NONE ? NONE : new TreeSet<>(Set.of(e));
        }
        if (c == Map.class || c == SortedMap.class) {
          Object k = args.length == 2 ? make(args[0]) : "k";
          Object v = args.length == 2 ? make(args[1]) : "v";
          if (k == NONE || v == NONE) {
            return NONE;
          }
          return c == Map.class ? Map.of(k, v) : new TreeMap<>(Map.of(k, v));
        }
        if (c.isEnum()) {
          return c.getEnumConstants()[0];
        }
        if (c.isArray() && !c.getComponentType().isPrimitive()) {
          Object e = make(c.getComponentType());
          if (e == NONE) {
            return NONE;
          }
          Object[] a = (Object[]) java.lang.reflect.Array.newInstance(c.getComponentType(), 1);
          a[0] = e;
          return a;
        }
        return jdk(c);
      }
    };
  }

  private static Class<?> raw(Type t) {
    if (t instanceof Class) {
      return (Class<?>) t;
    }
    if (t instanceof java.lang.reflect.ParameterizedType) {
      return (Class<?>) ((java.lang.reflect.ParameterizedType) t).getRawType();
    }
    if (t instanceof java.lang.reflect.WildcardType) {
      return raw(((java.lang.reflect.WildcardType) t).getUpperBounds()[0]);
    }
    if (t instanceof java.lang.reflect.TypeVariable) {
      return raw(((java.lang.reflect.TypeVariable<?>) t).getBounds()[0]);
    }
    return Object.class;
  }

  private static Object jdk(Class<?> c) {
    if (c == String.class || c == Object.class || c == CharSequence.class) {
      return "v-1";
    }
    if (c == int.class || c == Integer.class) {
      return 1;
    }
    if (c == long.class || c == Long.class) {
      return 1L;
    }
    if (c == double.class || c == Double.class) {
      return 1.0;
    }
    if (c == float.class) {
      return 1f;
    }
    if (c == char.class || c == Character.class) {
      return ',';
    }
    if (c == boolean.class || c == Boolean.class) {
      return false;
    }
    if (c == java.time.Instant.class) {
      return java.time.Instant.parse("2026-10-03T14:05:00Z");
    }
    if (c == java.time.LocalDate.class) {
      return java.time.LocalDate.parse("2026-10-03");
    }
    if (c == java.time.YearMonth.class) {
      return java.time.YearMonth.parse("2026-10");
    }
    if (c == java.time.Duration.class) {
      return java.time.Duration.ofDays(1);
    }
    if (c == java.time.Period.class) {
      return java.time.Period.ofDays(1);
    }
    if (c == java.time.ZoneId.class) {
      return java.time.ZoneOffset.UTC;
    }
    if (c == java.time.Clock.class) {
      return java.time.Clock.fixed(java.time.Instant.parse("2026-10-03T14:05:00Z"), java.time.ZoneOffset.UTC);
    }
    if (c == java.math.BigDecimal.class) {
      return java.math.BigDecimal.TEN;
    }
    if (c == Locale.class) {
      return Locale.ROOT;
    }
    if (c == java.util.function.Predicate.class) {
      return (java.util.function.Predicate<Object>) x -> true;
    }
    if (c == java.util.function.Consumer.class) {
      return (java.util.function.Consumer<Object>) x -> { };
    }
    if (c == java.util.function.Function.class) {
      return (Function<Object, Object>) x -> x;
    }
    if (c == java.util.function.Supplier.class) {
      return (java.util.function.Supplier<Object>) () -> "v";
    }
    if (c == Runnable.class) {
      return (Runnable) () -> { };
    }
    if (c == Appendable.class || c == java.io.Writer.class) {
      return new java.io.StringWriter();
    }
    if (c == java.io.OutputStream.class) {
      return new java.io.ByteArrayOutputStream();
    }
    if (c == java.io.Reader.class) {
      return new java.io.StringReader("");
    }
    if (c == java.io.InputStream.class) {
      return new java.io.ByteArrayInputStream(new byte[0]);
    }
    if (c == Path.class) {
      try {
        return Files.createTempFile("argument-sweep", ".tmp");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (c == Throwable.class || c == Exception.class) {
      return new IllegalStateException("cause");
    }
    return NONE;
  }

  // ---- collections ----------------------------------------------------------------------------

  private void collectionProbe(Class<?> c, Executable e, String full, String key, int i, Object[] valid) {
    Object v = valid[i];
    Object mutable = mutableCopy(v);
    if (mutable == null) {
      return;
    }
    collectionProbes++;
    Object[] args = valid.clone();
    args[i] = mutable;
    Outcome o = call(c, e, args);
    if (o.error != null || o.result == null) {
      return;
    }
    Object result = o.result;
    if (!isValueLike(result)) {
      return;
    }
    String before = snapshot(result);
    if (mutable instanceof Collection) {
      ((Collection<?>) mutable).clear();
    } else {
      ((Map<?, ?>) mutable).clear();
    }
    String after = snapshot(result);
    if (!before.equals(after) && !isAllowed(key, "copy")) {
      findings.add(full + " " + key.substring(key.indexOf('/') + 1) + ": the result changes when the caller's collection changes");
    }
  }

  private boolean isValueLike(Object r) {
    return r.getClass().isRecord() || types.contains(r.getClass()) && Modifier.isFinal(r.getClass().getModifiers())
        && !AutoCloseable.class.isAssignableFrom(r.getClass());
  }

  private static Object mutableCopy(Object v) {
    if (v instanceof SortedSet) {
      return new TreeSet<>((SortedSet<?>) v);
    }
    if (v instanceof Set) {
      return new HashSet<>((Set<?>) v);
    }
    if (v instanceof List || v instanceof Collection) {
      return new ArrayList<>((Collection<?>) v);
    }
    if (v instanceof SortedMap) {
      return new TreeMap<>((SortedMap<?, ?>) v);
    }
    if (v instanceof Map) {
      return new LinkedHashMap<>((Map<?, ?>) v);
    }
    return null;
  }

  private String snapshot(Object r) {
    StringBuilder sb = new StringBuilder(String.valueOf(r));
    for (Method m : r.getClass().getMethods()) {
      if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class
          && m.getReturnType() != void.class && !m.getName().equals("hashCode") && !m.getName().equals("toBuilder")
          && !m.getName().equals("build")) {
        try {
          sb.append('|').append(m.getName()).append('=').append(m.invoke(r));
        } catch (ReflectiveOperationException | RuntimeException ex) {
          sb.append('|').append(m.getName()).append("!");
        }
      }
    }
    return sb.toString();
  }

  /** Checks that the collections a value returns cannot be modified. */
  public void checkReturned(String where, Object r) {
    if (!isValueLike(r)) {
      return;
    }
    for (Method m : r.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
          || !(Collection.class.isAssignableFrom(m.getReturnType()) || Map.class.isAssignableFrom(m.getReturnType()))) {
        continue;
      }
      Object got;
      try {
        got = m.invoke(r);
      } catch (ReflectiveOperationException | RuntimeException ex) {
        continue;
      }
      if (got == null) {
        findings.add(where + " → " + owner(r.getClass()) + "#" + m.getName() + "(): returns null");
        continue;
      }
      returnedCollections++;
      if (modifiable(got) && !isAllowed(owner(r.getClass()) + "#" + m.getName(), "mutable")) {
        findings.add(where + " → " + owner(r.getClass()) + "#" + m.getName() + "(): the returned "
            + got.getClass().getSimpleName() + " can be modified");
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static boolean modifiable(Object c) {
    try {
      if (c instanceof Collection) {
        Collection col = (Collection) c;
        int size = col.size();
        if (size > 0) {
          col.clear();
        } else {
          col.add(col instanceof SortedSet ? "" : null);
        }
        return col.size() != size;
      }
      Map map = (Map) c;
      int size = map.size();
      if (size > 0) {
        map.clear();
      } else {
        map.put(map instanceof SortedMap ? "" : null, null);
      }
      return map.size() != size;
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (RuntimeException e) {
      return false; // refused for another reason (a null or a wrong type): inconclusive, not a leak
    }
  }

  // ---- calling --------------------------------------------------------------------------------

  private static Method buildMethod(Class<?> c) {
    try {
      Method m = c.getMethod("build");
      return m.getReturnType() == void.class ? null : m;
    } catch (NoSuchMethodException ex) {
      return null;
    }
  }

  private static final class Outcome {
    Object builder;
    Object result;
    Object receiver;
    Throwable error;
    boolean timedOut;
  }

  private Outcome call(Class<?> c, Executable e, Object[] args) {
    Outcome o = new Outcome();
    boolean isStatic = e instanceof Constructor || Modifier.isStatic(e.getModifiers());
    Future<Object> f = worker.submit(() -> {
      Object receiver = isStatic ? null : c.isEnum() ? c.getEnumConstants()[0] : receivers.apply(c);
      o.receiver = receiver;
      try {
        Object r = e instanceof Constructor ? ((Constructor<?>) e).newInstance(args) : ((Method) e).invoke(receiver, args);
        Method build = r == null || !r.getClass().getSimpleName().endsWith("Builder") ? null : buildMethod(r.getClass());
        if (build != null && !e.getName().equals("build")) {
          o.builder = r;
          return build.invoke(r); // a builder may check when it builds: judge what build() makes of it
        }
        return r;
      } finally {
        if (closeReceivers && receiver instanceof AutoCloseable) {
          try {
            ((AutoCloseable) receiver).close();
          } catch (Exception ignored) {
            // closing a probe's receiver: not what is tested
          }
        }
      }
    });
    try {
      o.result = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException ex) {
      o.timedOut = true;
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
    } catch (ExecutionException ex) {
      Throwable t = ex.getCause();
      if (t instanceof InvocationTargetException) {
        t = t.getCause();
      }
      o.error = t;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
    if (o.result instanceof AutoCloseable && o.result != o.receiver) {
      try {
        ((AutoCloseable) o.result).close();
      } catch (Exception ignored) {
        // closing a probe's result: not what is tested
      }
    }
    return o;
  }

  private static void closeQuietly(Object o) {
    if (o instanceof AutoCloseable) {
      try {
        ((AutoCloseable) o).close();
      } catch (Exception ignored) {
        // closing a probe's object: not what is tested
      }
    }
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "argument-sweep");
      t.setDaemon(true);
      return t;
    });
  }

  /** A summary for the test's output and the notes. */
  public String report(String module) {
    StringBuilder sb = new StringBuilder();
    sb.append(module).append(": ").append(types.size()).append(" public types, ").append(members).append(" members swept, ")
        .append(nullProbes).append(" null probes, ").append(numberProbes).append(" number probes, ").append(stringProbes)
        .append(" string probes, ").append(collectionProbes).append(" collection-copy probes, ").append(returnedCollections)
        .append(" returned collections, ").append(skipped.size()).append(" skipped, ").append(inconclusive.size())
        .append(" inconclusive, ").append(findings.size()).append(" findings\n");
    skipped.forEach(s -> sb.append("  skipped: ").append(s).append('\n'));
    inconclusive.forEach(s -> sb.append("  inconclusive: ").append(s).append('\n'));
    findings.forEach(s -> sb.append("  FINDING: ").append(s).append('\n'));
    return sb.toString();
  }
}
