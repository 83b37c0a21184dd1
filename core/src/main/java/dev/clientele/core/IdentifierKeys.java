package dev.clientele.core;

/**
 * The small index a {@link Profile} keeps beside its sorted {@code IdentifierState[]}: per
 * identifier, in the same order, one int <em>key</em>: 29 bits of a hash of the identifier above
 * a 3-bit type code ({@link #typeCode}).
 *
 * <p>Why: ingestion builds a new profile version per event from the previous one, which sits
 * somewhere in an old heap region. Finding an identifier by binary search and walking the types
 * followed {@code IdentifierState -> Identifier -> String -> byte[]} for several held
 * identifiers, each load a likely cache miss. With the keys those questions read one small array
 * of the previous version, and touch the {@code IdentifierState} only of the identifier found (to
 * check it really is the one: keys may collide). A key depends on the identifier only, so a
 * sighting, a consent or any other change of a held identifier's state leaves the array as it is:
 * profile versions share it until an identifier is added or removed (then it is copied, with the
 * states).
 *
 * <p>Everything here is derived from the states alone ({@link #of}), so equal profiles have equal
 * keys and a profile's keys never need to be stored or compared: {@link Profile} checks that
 * invariant with an assertion whenever one is built. A profile's array is never changed once
 * built.
 */
final class IdentifierKeys {
  /** The low bits of a key that hold the type code. */
  static final int CODE_MASK = 7;
  /** The type code of every type that is not built in: compare the types themselves. */
  static final int OTHER = 7;
  /** The keys of no identifiers. */
  static final int[] NONE = new int[0];
  /**
   * Above this many identifiers a lookup binary-searches the states instead of scanning the
   * keys: a scan costs a few nanoseconds per identifier, a binary search a few cache misses per
   * step; 256 is far above any real profile (the default cap is 500 identifiers, most people
   * have under ten) and well below where a scan would lose.
   */
  static final int SCAN_LIMIT = 256;

  private IdentifierKeys() {}

  /**
   * A code for the type, in the name order of the built-in types: anonymous id 0, customer id 1,
   * email 2, phone 3, push token 4; every other type {@link #OTHER}. Equal codes other than
   * {@code OTHER} mean equal types, different codes different types; identifiers sorted by type
   * name are sorted by code as long as no type is {@code OTHER}.
   */
  static int typeCode(IdentifierType type) {
    // The shared constants by reference first (what parsing produces), then by name.
    if (type == IdentifierType.ANONYMOUS_ID) {
      return 0;
    } else if (type == IdentifierType.CUSTOMER_ID) {
      return 1;
    } else if (type == IdentifierType.EMAIL) {
      return 2;
    } else if (type == IdentifierType.PHONE) {
      return 3;
    } else if (type == IdentifierType.PUSH_TOKEN) {
      return 4;
    }
    return switch (type.name()) {
      case "anonymous_id" -> 0;
      case "customer_id" -> 1;
      case "email" -> 2;
      case "phone" -> 3;
      case "push_token" -> 4;
      default -> OTHER;
    };
  }

  /** The key of {@code identifier}: equal identifiers have equal keys; different ones rarely do. */
  static int key(Identifier identifier) {
    int code = typeCode(identifier.type());
    int h = identifier.value().hashCode();
    if (code == OTHER) {
      h = h * 31 + identifier.type().name().hashCode();
    }
    h *= 0x9E3779B9; // spreads the value's hash into the high bits kept below
    return (h & ~CODE_MASK) | code;
  }

  /** The keys of {@code states}, computed from scratch: what a profile's keys must always equal. */
  static int[] of(IdentifierState[] states) {
    if (states.length == 0) {
      return NONE;
    }
    int[] keys = new int[states.length];
    for (int i = 0; i < states.length; i++) {
      keys[i] = key(states[i].identifier());
    }
    return keys;
  }

  /** {@code keys} with the key of {@code identifier} inserted at index {@code at}. */
  static int[] inserted(int[] keys, int at, Identifier identifier) {
    int[] next = new int[keys.length + 1];
    System.arraycopy(keys, 0, next, 0, at);
    System.arraycopy(keys, at, next, at + 1, keys.length - at);
    next[at] = key(identifier);
    return next;
  }

  /** {@code keys} without index {@code at}. */
  static int[] removed(int[] keys, int at) {
    if (keys.length == 1) {
      return NONE;
    }
    int[] next = new int[keys.length - 1];
    System.arraycopy(keys, 0, next, 0, at);
    System.arraycopy(keys, at + 1, next, at, keys.length - at - 1);
    return next;
  }

  /**
   * Index of {@code identifier} in {@code sorted} (sorted by identifier, {@code keys} its keys),
   * or {@code -(insertion point) - 1}: the same answer as a binary search ({@link #binarySearch}),
   * found by scanning the keys and checking only the states whose key matches. An identifier that
   * is not there is placed by a binary search within its type's run, which the scan bounds by the
   * type codes; the whole array is searched only when a type is not built in.
   */
  static int indexOf(IdentifierState[] sorted, int[] keys, Identifier identifier) {
    int n = sorted.length;
    if (n == 0) {
      return -1;
    }
    if (n > SCAN_LIMIT) {
      return binarySearch(sorted, 0, n, identifier);
    }
    int key = key(identifier);
    int code = key & CODE_MASK;
    int below = 0;
    int same = 0;
    boolean other = false;
    for (int i = 0; i < n; i++) {
      int held = keys[i];
      if (held == key && sorted[i].identifier().equals(identifier)) {
        return i;
      }
      int c = held & CODE_MASK;
      if (c < code) {
        below++;
      } else if (c == code) {
        same++;
      }
      other |= c == OTHER;
    }
    if (code == OTHER || other) {
      return binarySearch(sorted, 0, n, identifier);
    }
    return binarySearch(sorted, below, below + same, identifier);
  }

  /**
   * Index of {@code identifier} in {@code sorted[from, to)}, or {@code -(insertion point) - 1}
   * counted from the start of the array: the search the keys replaced, kept for large profiles
   * and for placing a new identifier.
   */
  static int binarySearch(IdentifierState[] sorted, int from, int to, Identifier identifier) {
    int lo = from;
    int hi = to - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = sorted[mid].identifier().compareTo(identifier);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** How many of {@code sorted} (with {@code keys}) are of {@code type}. */
  static int count(IdentifierState[] sorted, int[] keys, IdentifierType type) {
    int code = typeCode(type);
    int count = 0;
    for (int i = 0; i < sorted.length; i++) {
      int c = keys[i] & CODE_MASK;
      if (c == code && (code != OTHER || sorted[i].type().equals(type))) {
        count++;
      }
    }
    return count;
  }

  /** Whether identifier index {@code i} (with {@code keys}) is of {@code type}, whose code is {@code code}. */
  static boolean isOfType(IdentifierState[] sorted, int[] keys, int i, IdentifierType type, int code) {
    int c = keys[i] & CODE_MASK;
    return c == code && (code != OTHER || sorted[i].type().equals(type));
  }
}
