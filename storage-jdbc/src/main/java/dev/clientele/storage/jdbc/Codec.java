package dev.clientele.storage.jdbc;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.MergeRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The binary form of profiles, events and merge records in the database.
 *
 * <p>A small tagged format rather than JSON: it keeps every value exactly (instants to the
 * nanosecond, {@link BigDecimal} scale, {@code Long} versus {@code BigDecimal}, the order of
 * map entries), needs no dependency, and is several times smaller and faster than a JSON tree.
 * Each blob starts with a format byte so later versions can read older rows. Enums are stored
 * by name, never by ordinal, so adding a constant does not change stored meaning.
 */
final class Codec {
  /**
   * 2: each identifier ends with its {@code linkedAt} time. 1 (still read): without it; such an
   * identifier decodes as linked when it was first seen.
   */
  private static final int PROFILE_FORMAT = 2;
  private static final int PROFILE_FORMAT_WITHOUT_LINKED_AT = 1;
  private static final int EVENT_FORMAT = 1;
  private static final int MERGE_RECORD_FORMAT = 1;

  private static final byte STRING = 's';
  private static final byte BOOLEAN = 'b';
  private static final byte LONG = 'l';
  private static final byte DECIMAL = 'd';
  private static final byte LIST = 'a';
  private static final byte MAP = 'm';

  private Codec() {}

  static byte[] encode(Profile p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(PROFILE_FORMAT);
      writeString(out, p.id().value());
      out.writeLong(p.version());
      writeInstant(out, p.createdAt());
      writeInstant(out, p.updatedAt());
      writeOptionalInstant(out, p.firstActive());
      writeOptionalInstant(out, p.lastActive());
      out.writeInt(p.identifiers().size());
      for (IdentifierState s : p.identifiers()) {
        writeIdentifier(out, s.identifier());
        writeInstant(out, s.firstSeen());
        writeOptionalInstant(out, s.lastSeen());
        writeString(out, s.source());
        Deliverability d = s.deliverability();
        out.writeBoolean(d.reason().isPresent());
        if (d.reason().isPresent()) {
          writeString(out, d.reason().get().name());
        }
        writeOptionalInstant(out, d.since());
        writeString(out, s.consent().name());
        writeOptionalInstant(out, s.consentAt());
        writeInstant(out, s.linkedAt());
      }
      out.writeInt(p.attributes().size());
      for (Attribute a : p.attributes().values()) {
        writeString(out, a.name());
        writeValue(out, a.value());
        writeString(out, a.source());
        writeInstant(out, a.updatedAt());
      }
      out.writeInt(p.lists().size());
      for (ListSubscription l : p.lists().values()) {
        writeString(out, l.list());
        out.writeBoolean(l.subscribed());
        writeOptionalInstant(out, l.subscribedAt());
        writeOptionalInstant(out, l.unsubscribedAt());
      }
      out.writeInt(p.tags().size());
      for (String tag : p.tags()) {
        writeString(out, tag);
      }
      OrderSummary o = p.orders();
      out.writeLong(o.orderCount());
      writeDecimal(out, o.revenue());
      writeOptionalInstant(out, o.firstOrder());
      writeOptionalInstant(out, o.lastOrder());
      writeOptionalInstant(out, p.ccpaOptOutAt());
      writeOptionalInstant(out, p.ccpaOptInAt());
      out.writeLong(p.eventCount());
      out.writeInt(p.mergedFrom().size());
      for (ProfileId id : p.mergedFrom()) {
        writeString(out, id.value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  static Profile decodeProfile(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int format = in.readUnsignedByte();
      if (format != PROFILE_FORMAT && format != PROFILE_FORMAT_WITHOUT_LINKED_AT) {
        throw new IllegalStateException("unknown stored profile format " + format);
      }
      ProfileId id = ProfileId.of(readString(in));
      long version = in.readLong();
      Instant createdAt = readInstant(in);
      Profile.Builder b = Profile.builder(id, createdAt).version(version).updatedAt(readInstant(in));
      Optional<Instant> firstActive = readOptionalInstant(in);
      b.activity(firstActive, readOptionalInstant(in));
      for (int i = in.readInt(); i > 0; i--) {
        Identifier identifier = readIdentifier(in);
        Instant firstSeen = readInstant(in);
        Optional<Instant> lastSeen = readOptionalInstant(in);
        String source = readString(in);
        Optional<UndeliverableReason> reason =
            in.readBoolean() ? Optional.of(UndeliverableReason.valueOf(readString(in))) : Optional.empty();
        Deliverability d = new Deliverability(reason, readOptionalInstant(in));
        Consent consent = Consent.valueOf(readString(in));
        Optional<Instant> consentAt = readOptionalInstant(in);
        Instant linkedAt = format == PROFILE_FORMAT_WITHOUT_LINKED_AT ? firstSeen : readInstant(in);
        b.putIdentifier(new IdentifierState(identifier, firstSeen, lastSeen, source, d, consent, consentAt, linkedAt));
      }
      for (int i = in.readInt(); i > 0; i--) {
        String name = readString(in);
        Object value = readValue(in);
        String source = readString(in);
        b.putAttribute(new Attribute(name, value, source, readInstant(in)));
      }
      for (int i = in.readInt(); i > 0; i--) {
        String list = readString(in);
        boolean subscribed = in.readBoolean();
        Optional<Instant> subscribedAt = readOptionalInstant(in);
        b.putList(new ListSubscription(list, subscribed, subscribedAt, readOptionalInstant(in)));
      }
      for (int i = in.readInt(); i > 0; i--) {
        b.addTag(readString(in));
      }
      long orderCount = in.readLong();
      BigDecimal revenue = readDecimal(in);
      Optional<Instant> firstOrder = readOptionalInstant(in);
      b.orders(new OrderSummary(orderCount, revenue, firstOrder, readOptionalInstant(in)));
      Optional<Instant> optOut = readOptionalInstant(in);
      b.ccpa(optOut, readOptionalInstant(in));
      b.eventCount(in.readLong());
      List<ProfileId> mergedFrom = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        mergedFrom.add(ProfileId.of(readString(in)));
      }
      b.addMergedFrom(mergedFrom);
      return b.build();
    } catch (IOException e) {
      throw new IllegalStateException("stored profile is truncated or corrupt", e);
    }
  }

  static byte[] encode(Event e) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(EVENT_FORMAT);
      writeString(out, e.id());
      writeString(out, e.type());
      writeString(out, e.action());
      writeInstant(out, e.timestamp());
      out.writeInt(e.identifiers().size());
      for (Identifier i : e.identifiers()) {
        writeIdentifier(out, i);
      }
      writeMap(out, e.data());
      writeString(out, e.source());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  static Event decodeEvent(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int format = in.readUnsignedByte();
      if (format != EVENT_FORMAT) {
        throw new IllegalStateException("unknown stored event format " + format);
      }
      String id = readString(in);
      String type = readString(in);
      String action = readString(in);
      Instant at = readInstant(in);
      List<Identifier> identifiers = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        identifiers.add(readIdentifier(in));
      }
      Map<String, Object> data = readMap(in);
      return new Event(id, type, action, at, identifiers, data, readString(in));
    } catch (IOException ex) {
      throw new IllegalStateException("stored event is truncated or corrupt", ex);
    }
  }

  static byte[] encode(MergeRecord r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MERGE_RECORD_FORMAT);
      writeString(out, r.id());
      writeString(out, r.kind().name());
      writeInstant(out, r.at());
      writeString(out, r.profile().value());
      out.writeInt(r.sides().size());
      for (MergeRecord.Side side : r.sides()) {
        writeString(out, side.id().value());
        out.writeInt(side.identifiers().size());
        for (Identifier i : side.identifiers()) {
          writeIdentifier(out, i);
        }
        out.writeInt(side.mergedFrom().size());
        for (ProfileId id : side.mergedFrom()) {
          writeString(out, id.value());
        }
      }
      writeOptionalString(out, r.eventId());
      out.writeInt(r.links().size());
      for (Identifier i : r.links()) {
        writeIdentifier(out, i);
      }
      writeOptionalString(out, r.undoes());
      writeString(out, r.note());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static MergeRecord decodeMergeRecord(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int format = in.readUnsignedByte();
      if (format != MERGE_RECORD_FORMAT) {
        throw new IllegalStateException("unknown stored merge record format " + format);
      }
      String id = readString(in);
      MergeRecord.Kind kind = MergeRecord.Kind.valueOf(readString(in));
      Instant at = readInstant(in);
      ProfileId profile = ProfileId.of(readString(in));
      List<MergeRecord.Side> sides = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        ProfileId side = ProfileId.of(readString(in));
        Set<Identifier> identifiers = new LinkedHashSet<>();
        for (int j = in.readInt(); j > 0; j--) {
          identifiers.add(readIdentifier(in));
        }
        List<ProfileId> mergedFrom = new ArrayList<>();
        for (int j = in.readInt(); j > 0; j--) {
          mergedFrom.add(ProfileId.of(readString(in)));
        }
        sides.add(new MergeRecord.Side(side, identifiers, mergedFrom));
      }
      Optional<String> eventId = readOptionalString(in);
      List<Identifier> links = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        links.add(readIdentifier(in));
      }
      Optional<String> undoes = readOptionalString(in);
      return new MergeRecord(id, kind, at, profile, sides, eventId, links, undoes, readString(in));
    } catch (IOException e) {
      throw new IllegalStateException("stored merge record is truncated or corrupt", e);
    }
  }

  private static void writeOptionalString(DataOutputStream out, Optional<String> s) throws IOException {
    out.writeBoolean(s.isPresent());
    if (s.isPresent()) {
      writeString(out, s.get());
    }
  }

  private static Optional<String> readOptionalString(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(readString(in)) : Optional.empty();
  }

  private static void writeIdentifier(DataOutputStream out, Identifier i) throws IOException {
    writeString(out, i.type().name());
    writeString(out, i.value());
  }

  private static Identifier readIdentifier(DataInputStream in) throws IOException {
    IdentifierType type = IdentifierType.of(readString(in));
    return Identifier.of(type, readString(in));
  }

  /**
   * UTF-8 with its byte length; a string that is not well-formed UTF-16 (a lone surrogate,
   * which UTF-8 cannot carry) is written as its chars, flagged by a negative length.
   */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (isWellFormed(s)) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    } else {
      out.writeInt(-1 - s.length());
      out.writeChars(s);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      int chars = -1 - n;
      if (chars > in.available() / 2) {
        throw new IOException("bad string length " + n);
      }
      char[] c = new char[chars];
      for (int i = 0; i < chars; i++) {
        c[i] = in.readChar();
      }
      return new String(c);
    }
    if (n > in.available()) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    long seconds = in.readLong();
    return Instant.ofEpochSecond(seconds, in.readInt());
  }

  private static void writeOptionalInstant(DataOutputStream out, Optional<Instant> t) throws IOException {
    out.writeBoolean(t.isPresent());
    if (t.isPresent()) {
      writeInstant(out, t.get());
    }
  }

  private static Optional<Instant> readOptionalInstant(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(readInstant(in)) : Optional.empty();
  }

  private static void writeDecimal(DataOutputStream out, BigDecimal d) throws IOException {
    out.writeInt(d.scale());
    byte[] unscaled = d.unscaledValue().toByteArray();
    out.writeInt(unscaled.length);
    out.write(unscaled);
  }

  private static BigDecimal readDecimal(DataInputStream in) throws IOException {
    int scale = in.readInt();
    int n = in.readInt();
    if (n <= 0 || n > in.available()) {
      throw new IOException("bad decimal length " + n);
    }
    byte[] unscaled = new byte[n];
    in.readFully(unscaled);
    return new BigDecimal(new BigInteger(unscaled), scale);
  }

  private static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v instanceof String s) {
      out.writeByte(STRING);
      writeString(out, s);
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof BigDecimal d) {
      out.writeByte(DECIMAL);
      writeDecimal(out, d);
    } else if (v instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (Object o : list) {
        writeValue(out, o);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      writeMap(out, map);
    } else {
      // EventData admits nothing else; reaching here is a bug, not bad input.
      throw new IllegalStateException("not a JSON-like value: " + v.getClass().getName());
    }
  }

  private static void writeMap(DataOutputStream out, Map<?, ?> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      writeString(out, (String) e.getKey());
      writeValue(out, e.getValue());
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    byte tag = in.readByte();
    switch (tag) {
      case STRING:
        return readString(in);
      case BOOLEAN:
        return in.readBoolean();
      case LONG:
        return in.readLong();
      case DECIMAL:
        return readDecimal(in);
      case LIST:
        int n = in.readInt();
        ImmutableList.Builder<Object> list = ImmutableList.builder();
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        return list.build();
      case MAP:
        return readMap(in);
      default:
        throw new IOException("unknown value tag " + tag);
    }
  }

  private static ImmutableMap<String, Object> readMap(DataInputStream in) throws IOException {
    int n = in.readInt();
    ImmutableMap.Builder<String, Object> map = ImmutableMap.builderWithExpectedSize(Math.min(n, 64));
    for (int i = 0; i < n; i++) {
      String key = readString(in);
      map.put(key, readValue(in));
    }
    return map.buildOrThrow();
  }
}
