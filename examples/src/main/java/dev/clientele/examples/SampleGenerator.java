package dev.clientele.examples;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded, realistic sample of customer events: the data of {@code clientele demo}.
 *
 * <p>The same seed and size always give the same event list (equal {@link Event}s in the same
 * order), whatever the machine, locale or time zone. With the defaults it makes about 3,000
 * people and 40,000 events over the {@value #DAYS} days that end with {@link #REFERENCE_DATE}
 * (UTC), sorted by time, with ids {@code e-000001}, … in that order:
 *
 * <ul>
 *   <li>people browse anonymously ({@code pageview} with an {@code anonymous_id} per device, 1 to
 *       3 devices each) and most of them then {@code identify} with email, customer id, often a
 *       phone number (valid British and North American numbers in several formats) and the
 *       attributes {@code first_name}, {@code last_name}, {@code gender}, {@code birth_year},
 *       {@code city}, {@code country} (some {@code timezone});
 *   <li>later sessions: {@code login} (customer id plus the device's anonymous id, sometimes a
 *       push token), page views, and {@code order}s with {@code order_id}, {@code total} and
 *       {@code currency} (a few with total 0); a first visit on a new device is anonymous until
 *       the login, so profiles merge; events often carry {@code data.device};
 *   <li>the same email in case and whitespace variants; {@code consent} opt-ins and opt-outs per
 *       channel; {@code reachability}/{@code hard_bounce}; {@code list} subscribe and
 *       unsubscribe; weekly {@code campaign} sends, opens and clicks;
 *   <li>dirt: junk identifiers ({@code test@test.com}, {@code undefined}, {@code null}), malformed
 *       emails, a few households sharing a tablet (two customer ids on one device), and a few
 *       events delivered twice with the same id.
 * </ul>
 *
 * <p>Addresses use the reserved {@code example.com/.org/.net} domains and phone numbers come from
 * the ranges set aside for drama (Ofcom 020 7946 0xxx and similar; NANP 555-01xx), so the sample
 * holds no real person's data. Not thread-safe; {@link #events()} may be called repeatedly.
 */
public final class SampleGenerator {
  /** The last day of the sample (UTC). */
  public static final LocalDate REFERENCE_DATE = LocalDate.of(2026, 10, 31);
  /** The number of days the sample covers, ending with {@link #REFERENCE_DATE}. */
  public static final int DAYS = 90;
  /** The number of people by default. */
  public static final int DEFAULT_PEOPLE = 3_000;
  /** The seed of {@code clientele demo} when none is given. */
  public static final long DEFAULT_SEED = 42;

  private static final Instant START = REFERENCE_DATE.minusDays(DAYS - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final Instant END = REFERENCE_DATE.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final int CAMPAIGNS = DAYS / 7;
  private static final int SHARED_DEVICE_HOUSEHOLDS = 8;
  private static final int JUNK_ONLY_EVENTS = 24;
  private static final int REDELIVERED_EVENTS = 3;

  private static final String[] FEMALE = {
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Emily", "Grace", "Sophia", "Ella", "Lily", "Chloe",
    "Hannah", "Zara", "Aisha", "Priya", "Maria", "Sofia", "Emma", "Charlotte", "Harper", "Ruth", "Ines"
  };
  private static final String[] MALE = {
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Jack", "Jacob", "Liam", "Lucas", "Ethan",
    "Mason", "James", "Omar", "Arjun", "Mateo", "Daniel", "Samuel", "Theo", "Isaac", "Kwame", "Yusuf"
  };
  private static final String[] NEUTRAL = {"Alex", "Sam", "Charlie", "Robin", "Jordan", "Riley"};
  private static final String[] LAST = {
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Khan", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Lee", "Nguyen", "O'Brien",
    "Murphy", "Kowalski", "Okafor", "Silva", "Fischer", "Rossi", "Dubois", "Novak", "Yilmaz", "Ivanova"
  };
  private static final String[] GB_CITIES = {"London", "Manchester", "Leeds", "Bristol", "Edinburgh", "Glasgow", "Birmingham", "Cardiff"};
  private static final String[] US_CITIES = {"New York", "Chicago", "Boston", "Seattle", "Austin", "Denver", "San Francisco", "Atlanta"};
  private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example.com", "post.example.org"};
  private static final String[] GB_AREAS = {"20 7946", "161 496", "113 496", "131 496"};
  private static final String[] US_AREAS = {
    "201", "202", "212", "213", "303", "305", "312", "404", "415", "503",
    "512", "602", "615", "617", "702", "713", "718", "720", "206", "214"
  };
  private static final String[] DEVICES = {"iphone", "android", "ipad", "mac-safari", "windows-chrome", "windows-edge", "linux-firefox"};
  private static final String[] PAGES = {
    "/", "/new-in", "/women/dresses", "/men/shirts", "/shoes", "/accessories", "/sale", "/cart",
    "/checkout", "/account", "/blog/autumn-edit", "/help/returns", "/search"
  };

  private final long seed;
  private final int people;

  /** A generator of {@link #DEFAULT_PEOPLE} people. */
  public SampleGenerator(long seed) {
    this(seed, DEFAULT_PEOPLE);
  }

  /**
   * A generator of {@code people} people.
   *
   * @throws IllegalArgumentException if {@code people} is not 1 to 100,000
   */
  public SampleGenerator(long seed, int people) {
    if (people < 1 || people > 100_000) {
      throw new IllegalArgumentException("people must be 1 to 100000: " + people);
    }
    this.seed = seed;
    this.people = people;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The number of people. */
  public int people() {
    return people;
  }

  /** Generates the events, sorted by time; the same for every call with the same seed and size. */
  public List<Event> events() {
    return new Run(seed, people).generate();
  }

  /**
   * Writes events as JSON Lines in the event format of the design (UTF-8, one event a line).
   *
   * @throws IllegalArgumentException if an event has two identifiers of one type, which the
   *     format cannot hold
   */
  public static void writeJsonl(Iterable<Event> events, Writer out) throws IOException {
    requireNonNull(events, "events");
    requireNonNull(out, "out");
    Json.writeEvents(events, out);
  }

  /** Writes events as JSON Lines to {@code file}, replacing it; see {@link #writeJsonl(Iterable, Writer)}. */
  public static void writeJsonl(Iterable<Event> events, Path file) throws IOException {
    requireNonNull(file, "file");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeJsonl(events, w);
    }
  }

  /** An event before it has its id: sorted by time, then by the order it was made in. */
  private record Pending(
      Instant at, long seq, String type, String action, Map<String, String> ids, Map<String, Object> data, String source) {}

  private record Device(String anonymousId, String kind, String pushToken) {}

  /** One person's fixed traits. */
  private static final class Person {
    String first;
    String last;
    String gender;
    long birthYear;
    boolean british;
    String city;
    String email; // canonical form, or a malformed or junk value as the person types it
    boolean emailUsable; // valid and not junk: campaigns are sent to it
    String customerId;
    String phoneE164;
    String[] phoneFormats;
    boolean identifies;
    final List<Device> devices = new ArrayList<>();
    Device borrowed; // another household member's tablet, used for one login
  }

  /** One generation run; all randomness comes from the seed. */
  private static final class Run {
    private final SplittableRandom root;
    private final int people;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> emails = new HashSet<>();
    private final Set<String> anonymousIds = new HashSet<>();
    private long seq;
    private int orders;
    private int gbPhones;
    private int usPhones;

    Run(long seed, int people) {
      this.root = new SplittableRandom(seed);
      this.people = people;
    }

    List<Event> generate() {
      List<Person> persons = new ArrayList<>(people);
      List<SplittableRandom> rngs = new ArrayList<>(people);
      for (int i = 0; i < people; i++) {
        SplittableRandom rng = root.split();
        rngs.add(rng);
        persons.add(person(i, rng));
      }
      shareDevices(persons);
      for (int i = 0; i < people; i++) {
        timeline(persons.get(i), rngs.get(i));
      }
      junkOnly();
      pending.sort(Comparator.comparing(Pending::at).thenComparingLong(Pending::seq));
      List<Event> events = new ArrayList<>(pending.size() + REDELIVERED_EVENTS);
      for (Pending p : pending) {
        events.add(toEvent(String.format(Locale.ROOT, "e-%06d", events.size() + 1), p));
      }
      redeliver(events);
      return events;
    }

    // ---- people

    private Person person(int index, SplittableRandom rng) {
      Person p = new Person();
      double g = rng.nextDouble();
      p.gender = g < 0.49 ? "female" : g < 0.97 ? "male" : "non_binary";
      p.first = pick(rng, p.gender.equals("female") ? FEMALE : p.gender.equals("male") ? MALE : NEUTRAL);
      p.last = pick(rng, LAST);
      p.birthYear = 1950 + rng.nextInt(57);
      p.british = rng.nextDouble() < 0.55;
      p.city = pick(rng, p.british ? GB_CITIES : US_CITIES);
      p.customerId = "c-" + (100_001 + index);
      p.email = uniqueEmail(p, rng);
      p.emailUsable = true;
      double dirt = rng.nextDouble();
      if (dirt < 0.015) {
        p.email = malformed(p.email, rng);
        p.emailUsable = false;
      } else if (dirt < 0.02) {
        p.email = "test@test.com";
        p.emailUsable = false;
      }
      if (rng.nextDouble() < 0.35) {
        phone(p, rng);
      }
      p.identifies = rng.nextDouble() < 0.72;
      double d = rng.nextDouble();
      int devices = d < 0.55 ? 1 : d < 0.9 ? 2 : 3;
      for (int k = 0; k < devices; k++) {
        String kind = pick(rng, DEVICES);
        boolean app = kind.equals("iphone") || kind.equals("android");
        String token = app && rng.nextDouble() < 0.4 ? "pt-" + hex(rng, 24) : null;
        p.devices.add(new Device(uniqueAnonymousId(rng), kind, token));
      }
      return p;
    }

    private String uniqueEmail(Person p, SplittableRandom rng) {
      String f = ascii(p.first);
      String l = ascii(p.last);
      String domain = pick(rng, DOMAINS);
      String local =
          switch (rng.nextInt(5)) {
            case 0 -> f + "." + l;
            case 1 -> f + l;
            case 2 -> f.charAt(0) + "." + l;
            case 3 -> f + "_" + l;
            default -> f + "." + l + (10 + rng.nextInt(90));
          };
      String email = local + "@" + domain;
      for (int n = 2; !emails.add(email); n++) {
        email = local + n + "@" + domain;
      }
      return email;
    }

    private static String ascii(String name) {
      return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    private static String malformed(String email, SplittableRandom rng) {
      int at = email.indexOf('@');
      return switch (rng.nextInt(3)) {
        case 0 -> email.substring(0, email.indexOf('.', at)); // no top-level domain
        case 1 -> email.substring(0, at) + "@@" + email.substring(at + 1);
        default -> email.substring(0, at).replace('.', ' ') + " x" + email.substring(at);
      };
    }

    private void phone(Person p, SplittableRandom rng) {
      if (p.british && gbPhones < GB_AREAS.length * 1000) {
        String area = GB_AREAS[gbPhones % GB_AREAS.length];
        String line = String.format(Locale.ROOT, "%04d", gbPhones / GB_AREAS.length);
        gbPhones++;
        String local = area.replace(" ", "") + line;
        p.phoneE164 = "+44" + local;
        p.phoneFormats = new String[] {"+44 " + area + " " + line, p.phoneE164, "0044 " + area + " " + line};
      } else if (!p.british && usPhones < US_AREAS.length * 100) {
        String area = US_AREAS[usPhones % US_AREAS.length];
        String line = String.format(Locale.ROOT, "01%02d", usPhones / US_AREAS.length);
        usPhones++;
        p.phoneE164 = "+1" + area + "555" + line;
        p.phoneFormats = new String[] {
          "+1 " + area + "-555-" + line, "(" + area + ") 555-" + line, p.phoneE164, "+1 (" + area + ") 555 " + line
        };
      }
    }

    private String uniqueAnonymousId(SplittableRandom rng) {
      String id;
      do {
        id = "a-" + hex(rng, 12);
      } while (!anonymousIds.add(id));
      return id;
    }

    /**
     * A few households: a second signed-up person logs in once on the first one's device, so
     * that one device carries two customer ids (identity rules should refuse that link).
     */
    private void shareDevices(List<Person> persons) {
      SplittableRandom rng = root.split();
      for (int h = 0; h < SHARED_DEVICE_HOUSEHOLDS && persons.size() > 1; h++) {
        Person a = persons.get(rng.nextInt(persons.size()));
        Person b = persons.get(rng.nextInt(persons.size()));
        if (a != b && a.identifies && b.identifies && b.borrowed == null) {
          b.borrowed = a.devices.get(0);
        }
      }
    }

    // ---- one person's events

    private void timeline(Person p, SplittableRandom rng) {
      long span = Duration.between(START, END).getSeconds();
      Instant t = START.plusSeconds((long) (rng.nextDouble() * span * 0.9));
      Device first = p.devices.get(0);
      Set<Device> seen = new HashSet<>();
      seen.add(first);
      t = browse(p, rng, first, t, 1 + rng.nextInt(3), false);
      if (!p.identifies) {
        int visits = rng.nextInt(3);
        for (int v = 0; v < visits; v++) {
          Instant at = between(rng, t, END);
          browse(p, rng, pick(rng, p.devices), at, 1 + rng.nextInt(3), false);
        }
        return;
      }
      Instant identified = t.plusSeconds(60 + rng.nextInt(1200));
      identify(p, rng, first, identified);
      Instant afterSignup = identified.plusSeconds(2);
      if (p.emailUsable && rng.nextDouble() < 0.55) {
        add(afterSignup, "consent", "opt_in", ids("email", variant(p.email, rng)), data("channel", "email"), "web");
      }
      if (p.phoneE164 != null && rng.nextDouble() < 0.4) {
        add(afterSignup, "consent", "opt_in", ids("phone", pick(rng, p.phoneFormats)), data("channel", "sms"), "web");
      }
      if (p.phoneE164 != null && rng.nextDouble() < 0.12) {
        add(between(rng, identified, END), "consent", "opt_out", ids("phone", p.phoneE164), data("channel", "sms"), "sms-gateway");
      }
      if (p.emailUsable && rng.nextDouble() < 0.35) {
        add(identified.plusSeconds(3), "list", "subscribe", ids("email", p.email), data("list", "newsletter"), "web");
        if (rng.nextDouble() < 0.12) {
          add(between(rng, identified, END), "list", "unsubscribe", ids("email", p.email), data("list", "newsletter"), "esp");
        }
      }
      if (p.emailUsable && rng.nextDouble() < 0.08) {
        add(identified.plusSeconds(4), "list", "subscribe", ids("email", p.email), data("list", "vip-offers"), "web");
      }
      if (rng.nextDouble() < 0.1) {
        Map<String, Object> moved = data("city", pick(rng, p.british ? GB_CITIES : US_CITIES));
        add(between(rng, identified, END), "identify", "", ids("customer_id", p.customerId, "email", variant(p.email, rng)), moved, "crm");
      }
      double level = rng.nextDouble();
      int sessions = level < 0.1 ? 10 + rng.nextInt(13) : level < 0.4 ? 3 + rng.nextInt(6) : level < 0.8 ? 1 + rng.nextInt(3) : 0;
      double orderRate = level < 0.1 ? 0.35 : level < 0.4 ? 0.25 : 0.2;
      for (int s = 0; s < sessions; s++) {
        Device device = rng.nextDouble() < 0.7 ? first : pick(rng, p.devices);
        Instant at = between(rng, identified, END);
        if (seen.add(device)) {
          at = browse(p, rng, device, at, 1 + rng.nextInt(2), false); // a new device is anonymous at first
        }
        session(p, rng, device, at, orderRate, false);
      }
      if (p.borrowed != null) {
        session(p, rng, p.borrowed, between(rng, identified, END), 0, true);
      }
      campaigns(p, rng, identified);
    }

    private Instant browse(Person p, SplittableRandom rng, Device device, Instant at, int pages, boolean withCustomerId) {
      Instant t = at;
      for (int i = 0; i < pages; i++) {
        Map<String, String> ids = ids("anonymous_id", device.anonymousId());
        if (withCustomerId) {
          ids.put("customer_id", p.customerId);
        }
        Map<String, Object> data = data("page", pick(rng, PAGES));
        if (rng.nextDouble() < 0.6) {
          data.put("device", device.kind());
        }
        add(t, "pageview", "", ids, data, source(device));
        t = t.plusSeconds(20 + rng.nextInt(300));
      }
      return t;
    }

    private void identify(Person p, SplittableRandom rng, Device device, Instant at) {
      Map<String, String> ids = ids("anonymous_id", device.anonymousId(), "email", variant(p.email, rng), "customer_id", p.customerId);
      if (p.phoneFormats != null) {
        ids.put("phone", pick(rng, p.phoneFormats));
      }
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("first_name", p.first);
      data.put("last_name", p.last);
      data.put("gender", p.gender);
      data.put("birth_year", p.birthYear);
      data.put("city", p.city);
      data.put("country", p.british ? "GB" : "US");
      if (rng.nextDouble() < 0.3) {
        data.put("timezone", p.british ? "Europe/London" : "America/New_York");
      }
      add(at, "identify", "signup", ids, data, source(device));
    }

    private void session(Person p, SplittableRandom rng, Device device, Instant at, double orderRate, boolean mustLogIn) {
      Instant t = at;
      boolean login = mustLogIn || rng.nextDouble() < 0.65;
      if (login) {
        Map<String, String> ids = ids("customer_id", p.customerId, "anonymous_id", device.anonymousId());
        if (device.pushToken() != null && rng.nextDouble() < 0.5) {
          ids.put("push_token", device.pushToken());
        }
        add(t, "login", "login", ids, rng.nextDouble() < 0.7 ? data("device", device.kind()) : data(), source(device));
        t = t.plusSeconds(5 + rng.nextInt(60));
      }
      t = browse(p, rng, device, t, 1 + rng.nextInt(2), login && rng.nextDouble() < 0.3);
      if (rng.nextDouble() < orderRate) {
        orders++;
        BigDecimal total = rng.nextDouble() < 0.04
            ? new BigDecimal("0.00")
            : BigDecimal.valueOf(500 + rng.nextInt(24_500)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
        Map<String, Object> data = data("order_id", String.format(Locale.ROOT, "o-%06d", orders));
        data.put("total", total);
        data.put("currency", p.british ? "GBP" : "USD");
        if (rng.nextDouble() < 0.6) {
          data.put("device", device.kind());
        }
        add(t, "order", "purchase", ids("customer_id", p.customerId, "email", variant(p.email, rng), "anonymous_id", device.anonymousId()), data, source(device));
      }
    }

    /** Weekly campaigns to a usable email after sign-up, until a bounce or an opt-out. */
    private void campaigns(Person p, SplittableRandom rng, Instant identified) {
      if (!p.emailUsable) {
        return;
      }
      boolean bounces = rng.nextDouble() < 0.02;
      Instant optOut = rng.nextDouble() < 0.07 ? between(rng, identified, END) : null;
      if (optOut != null) {
        add(optOut, "consent", "opt_out", ids("email", p.email), data("channel", "email"), "esp");
      }
      for (int c = 1; c <= CAMPAIGNS; c++) {
        Instant sent = START.plus(Duration.ofDays(7L * c - 5)).plus(Duration.ofHours(9)).plusSeconds(rng.nextInt(3600));
        if (sent.isBefore(identified) || (optOut != null && sent.isAfter(optOut)) || rng.nextDouble() >= 0.45) {
          continue;
        }
        Map<String, Object> campaign = data("campaign", String.format(Locale.ROOT, "wk-%02d", c));
        add(sent, "campaign", "sent", ids("email", p.email), campaign, "esp");
        if (bounces) {
          add(sent.plusSeconds(30), "reachability", "hard_bounce", ids("email", p.email), data("channel", "email"), "esp");
          return;
        }
        if (rng.nextDouble() < 0.25) {
          Instant open = sent.plusSeconds(600 + rng.nextInt(172_800));
          add(open, "campaign", "open", ids("email", p.email), new LinkedHashMap<>(campaign), "esp");
          if (rng.nextDouble() < 0.3) {
            add(open.plusSeconds(5 + rng.nextInt(120)), "campaign", "click", ids("email", p.email), new LinkedHashMap<>(campaign), "esp");
          }
        }
      }
    }

    // ---- dirt

    /** Events whose only identifier is a junk value: Clientele rejects them. */
    private void junkOnly() {
      SplittableRandom rng = root.split();
      for (int i = 0; i < JUNK_ONLY_EVENTS; i++) {
        Instant at = between(rng, START, END);
        String junk = i % 3 == 0 ? "null" : "undefined";
        add(at, "pageview", "", ids("anonymous_id", junk), data("page", pick(rng, PAGES)), "web");
      }
    }

    /** A few events delivered twice (the same id and content), as a retrying sender would. */
    private void redeliver(List<Event> events) {
      SplittableRandom rng = root.split();
      for (int i = 0; i < REDELIVERED_EVENTS && events.size() > 1; i++) {
        int from = rng.nextInt(events.size());
        int to = Math.min(events.size(), from + 1 + rng.nextInt(50));
        events.add(to, events.get(from));
      }
    }

    // ---- helpers

    private void add(Instant at, String type, String action, Map<String, String> ids, Map<String, Object> data, String source) {
      Instant t = at.truncatedTo(ChronoUnit.SECONDS);
      if (!t.isBefore(END)) {
        return; // would be in the future of the reference date
      }
      pending.add(new Pending(t, seq++, type, action, ids, data, source));
    }

    private static Event toEvent(String id, Pending p) {
      Event.Builder b = Event.builder(id, p.type(), p.at()).action(p.action()).source(p.source());
      p.ids().forEach((type, value) -> b.identifier(IdentifierType.of(type), value));
      return b.data(p.data()).build();
    }

    private static String variant(String email, SplittableRandom rng) {
      double v = rng.nextDouble();
      if (v < 0.7) {
        return email;
      }
      if (v < 0.8) {
        return " " + email + " ";
      }
      if (v < 0.9) {
        int at = email.indexOf('@');
        return email.substring(0, at) + "@" + email.substring(at + 1).toUpperCase(Locale.ROOT);
      }
      return Character.toUpperCase(email.charAt(0)) + email.substring(1);
    }

    private static String source(Device d) {
      return d.kind().equals("iphone") || d.kind().equals("android") ? "app" : "web";
    }

    private static Map<String, String> ids(String... typeValue) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < typeValue.length; i += 2) {
        m.put(typeValue[i], typeValue[i + 1]);
      }
      return m;
    }

    private static Map<String, Object> data(Object... keyValue) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < keyValue.length; i += 2) {
        m.put((String) keyValue[i], keyValue[i + 1]);
      }
      return m;
    }

    private static Instant between(SplittableRandom rng, Instant from, Instant to) {
      long seconds = Duration.between(from, to).getSeconds();
      return seconds <= 0 ? from : from.plusSeconds(rng.nextLong(seconds));
    }

    private static <T> T pick(SplittableRandom rng, T[] values) {
      return values[rng.nextInt(values.length)];
    }

    private static <T> T pick(SplittableRandom rng, List<T> values) {
      return values.get(rng.nextInt(values.size()));
    }

    private static String hex(SplittableRandom rng, int digits) {
      StringBuilder b = new StringBuilder(digits);
      for (int i = 0; i < digits; i++) {
        b.append(Character.forDigit(rng.nextInt(16), 16));
      }
      return b.toString();
    }
  }
}
