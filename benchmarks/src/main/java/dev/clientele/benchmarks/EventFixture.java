package dev.clientele.benchmarks;

import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic (seeded) stream of synthetic events from a fixed population, for benchmarks.
 *
 * <p>Each person has a customer id, an email, sometimes a phone (about a quarter of them, from
 * fictional ranges that libphonenumber 9.0.43 considers valid: {@code +1 NPA 555 01xx} for 441
 * NANP area codes, and the Ofcom drama ranges such as {@code +44 20 7946 0xxx}), and one to
 * three devices (anonymous ids, random UUIDs). Events are a realistic mix:
 *
 * <table>
 *   <caption>event mix</caption>
 *   <tr><th>share</th><th>type/action</th><th>identifiers</th><th>data</th></tr>
 *   <tr><td>45%</td><td>{@code pageview/view}</td><td>a device; 55% only that (anonymous-only), 30% + customer id, 15% + email</td><td>url, device</td></tr>
 *   <tr><td>15%</td><td>{@code login/login}</td><td>customer id + device, 30% + email</td><td>device</td></tr>
 *   <tr><td>8%</td><td>{@code order/purchase}</td><td>customer id + email, 60% + device, 30% + phone if any</td><td>order_id, total, currency</td></tr>
 *   <tr><td>7%</td><td>{@code identify/update}</td><td>customer id + email + device, phone if any</td><td>first_name, last_name, city, country</td></tr>
 *   <tr><td>5%</td><td>{@code consent/opt_in|opt_out|reset}</td><td>email (or, 30% of phone holders, phone)</td><td>channel</td></tr>
 *   <tr><td>20%</td><td>{@code campaign/sent|open|click}</td><td>email</td><td>campaign_id</td></tr>
 * </table>
 *
 * <p>Variants: a quarter of email occurrences differ from the canonical lower-case address by
 * case or surrounding spaces; phone numbers come in five formats (spaced, dashed, compact,
 * {@code 00} prefix, US national with parentheses) that all normalise to the same E.164 value.
 * About 9% of events also carry one junk value ({@code email:test@test.com},
 * {@code anonymous_id:undefined} or {@code customer_id:null}) beside their real identifiers,
 * which is about 5% of all identifier values. Every event has at least one real identifier.
 *
 * <p>Each event is built with fresh {@link String} instances for its identifier values (as a
 * parser would produce), so what a store retains is not shared with other events. Timestamps
 * rise with the event index over 300 days from 2026-01-01, with up to a minute of jitter.
 * The same (events, people, seed) always gives the same events. Generating 1M events takes a
 * few seconds and ~0.5 GB of heap; do it once per trial, outside the measurement.
 */
public final class EventFixture {
  /** Events per benchmark operation. */
  public static final int DEFAULT_EVENTS = 1_000_000;
  /** People the events come from. */
  public static final int DEFAULT_PEOPLE = 200_000;
  /** The default seed. */
  public static final long DEFAULT_SEED = 20261123L;

  /** Share of people with a phone (capped by the size of the fictional pool, 57 100 numbers). */
  static final double PHONE_SHARE = 0.25;
  /** Share of events that carry one junk identifier value beside their real ones. */
  static final double JUNK_EVENT_SHARE = 0.09;
  /** Share of email occurrences written as a case/whitespace variant. */
  static final double EMAIL_VARIANT_SHARE = 0.25;

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration SPAN = Duration.ofDays(300);

  /**
   * US area codes for which every {@code +1 NPA 555 0100..0199} (the fictional range) is valid in
   * libphonenumber 9.0.43.
   */
  private static final String US_NPAS =
      "201 202 203 204 205 206 207 208 209 210 212 213 214 215 216 217 218 219 220 223 224 225 226 227 228 "
          + "229 231 234 235 236 239 240 248 249 250 251 252 253 254 256 257 260 262 263 267 269 270 272 273 274 "
          + "276 279 281 283 289 301 302 303 304 305 306 307 308 309 310 312 313 314 315 316 317 318 319 320 321 "
          + "323 324 325 326 327 329 330 331 332 334 336 337 339 340 341 343 346 347 350 351 352 353 354 360 361 "
          + "363 364 365 367 368 369 380 382 385 386 401 402 403 404 405 406 407 408 409 410 412 413 414 415 416 "
          + "417 418 419 423 424 425 428 430 431 432 434 435 437 438 440 442 443 445 447 448 450 458 463 464 468 "
          + "469 470 472 474 475 478 479 480 484 501 502 503 504 505 506 507 508 509 510 512 513 514 515 516 "
          + "517 518 519 520 521 522 525 526 527 528 529 530 531 532 533 534 539 540 541 544 548 551 557 559 561 "
          + "562 563 564 566 567 570 571 572 573 574 575 577 579 580 581 582 584 585 586 587 588 601 602 603 "
          + "604 605 606 607 608 609 610 612 613 614 615 616 617 618 619 620 622 623 626 628 629 630 631 633 636 "
          + "639 640 641 645 646 647 650 651 656 657 658 659 660 661 662 667 669 670 671 672 678 680 681 682 683 "
          + "686 689 701 702 703 704 705 706 707 708 709 712 713 714 715 716 717 718 719 720 724 725 726 727 728 "
          + "730 731 732 734 737 738 740 742 743 747 748 753 754 757 760 762 763 765 769 770 771 772 773 774 775 "
          + "778 779 780 781 782 784 785 786 787 801 802 803 804 805 806 807 808 809 810 812 813 814 815 816 "
          + "817 818 819 820 821 825 826 828 829 830 831 832 835 838 839 840 843 845 847 848 849 850 854 "
          + "856 857 858 859 860 862 863 864 865 867 870 872 873 876 878 879 901 902 903 904 "
          + "905 906 907 908 909 910 912 913 914 915 916 917 918 919 920 925 928 929 930 931 934 936 937 938 939 "
          + "940 941 942 943 945 947 948 949 951 952 954 956 959 970 971 972 973 975 978 979 980 983 984 985 986 989";

  /** Ofcom drama ranges (1000 numbers each), written as {@code +44 …} with the last three digits to add. */
  private static final String[] UK_BLOCKS = {
    "+44 20 7946 0", "+44 113 496 0", "+44 114 496 0", "+44 116 496 0", "+44 117 496 0", "+44 118 496 0",
    "+44 121 496 0", "+44 131 496 0", "+44 141 496 0", "+44 151 496 0", "+44 161 496 0", "+44 191 498 0",
    "+44 28 9649 6",
  };

  private static final String[] FIRST_NAMES = {
    "ann", "bob", "carla", "dev", "eva", "farid", "grace", "hiro", "ines", "jon", "kemal", "lena", "mo", "nia",
    "olga", "pavel", "quinn", "rosa", "sam", "tariq", "uma", "viktor", "wen", "xena", "yusuf", "zoe",
  };
  private static final String[] LAST_NAMES = {
    "smith", "garcia", "muller", "rossi", "kowalski", "nguyen", "okafor", "tanaka", "silva", "novak", "haddad",
    "jensen", "oconnor", "petrov", "larsen", "dubois", "khan", "moreau", "fischer", "santos",
  };
  private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example.com"};
  private static final String[] CITIES = {
    "London", "Leeds", "Berlin", "Paris", "Madrid", "Lisbon", "Warsaw", "Oslo", "Boston", "Austin", "Toronto",
  };
  private static final String[] COUNTRIES = {"GB", "GB", "DE", "FR", "ES", "PT", "PL", "NO", "US", "US", "CA"};
  private static final String[] DEVICES = {
    "iPhone", "Android", "iPad", "Chrome on Windows", "Safari on macOS", "Firefox on Linux", "Edge on Windows",
  };
  private static final String[] PATHS = {"/", "/products/", "/cart", "/blog/", "/account", "/search?q=shoes"};

  /** What the generator produced, for the record (RESULTS.md) and sanity checks. */
  public record Summary(
      int events,
      int people,
      int peopleWithEvents,
      int phones,
      int devices,
      long identifierValues,
      long junkValues,
      long anonymousOnlyEvents,
      long emailOccurrences,
      long emailVariants,
      long phoneOccurrences,
      int pageviews,
      int logins,
      int orders,
      int identifies,
      int consents,
      int campaigns) {

    /** Junk values as a share of all identifier values. */
    public double junkShare() {
      return (double) junkValues / identifierValues;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,d events from %,d people (%,d with events; %,d phones, %,d devices); %,d identifier values"
              + " (%.2f per event), %,d junk (%.1f%%); %,d anonymous-only events; %,d of %,d email occurrences"
              + " are variants; %,d phone occurrences; mix: pageview %,d, login %,d, order %,d, identify %,d,"
              + " consent %,d, campaign %,d",
          events, people, peopleWithEvents, phones, devices, identifierValues,
          (double) identifierValues / events, junkValues, 100 * junkShare(), anonymousOnlyEvents, emailVariants,
          emailOccurrences, phoneOccurrences, pageviews, logins, orders, identifies, consents, campaigns);
    }
  }

  private final List<Event> events;
  private final Summary summary;

  private EventFixture(List<Event> events, Summary summary) {
    this.events = events;
    this.summary = summary;
  }

  /** {@value #DEFAULT_EVENTS} events from {@value #DEFAULT_PEOPLE} people with the default seed. */
  public static EventFixture defaults() {
    return generate(DEFAULT_EVENTS, DEFAULT_PEOPLE, DEFAULT_SEED);
  }

  /** The events, in timestamp order; unmodifiable. */
  public List<Event> events() {
    return events;
  }

  /** What was generated. */
  public Summary summary() {
    return summary;
  }

  /**
   * Generates {@code eventCount} events from {@code people} people.
   *
   * @throws IllegalArgumentException if a count is not positive
   */
  public static EventFixture generate(int eventCount, int people, long seed) {
    if (eventCount < 1 || people < 1) {
      throw new IllegalArgumentException("event and people counts must be positive: " + eventCount + ", " + people);
    }
    return new Generator(eventCount, people, seed).run();
  }

  private static final class Person {
    String customerId;
    String email;
    String phone; // canonical spaced form, e.g. "+1 201 555 0123"; null when none
    String[] devices;
    String[] deviceNames;
    String firstName;
    String lastName;
    int city;
  }

  private static final class Generator {
    private final int eventCount;
    private final int peopleCount;
    private final SplittableRandom rnd;
    private final Person[] people;
    private final boolean[] seen;
    private int phones;
    private int devices;
    private long identifierValues;
    private long junkValues;
    private long anonymousOnly;
    private long emailOccurrences;
    private long emailVariants;
    private long phoneOccurrences;
    private final int[] typeCounts = new int[6];

    Generator(int eventCount, int people, long seed) {
      this.eventCount = eventCount;
      this.peopleCount = people;
      this.rnd = new SplittableRandom(seed);
      this.people = new Person[people];
      this.seen = new boolean[people];
    }

    EventFixture run() {
      List<String> phonePool = phonePool();
      for (int p = 0; p < peopleCount; p++) {
        people[p] = person(p, rnd.nextDouble() < PHONE_SHARE && phones < phonePool.size() ? phonePool.get(phones++) : null);
      }
      List<Event> events = new ArrayList<>(eventCount);
      long spanSeconds = SPAN.getSeconds();
      for (int i = 0; i < eventCount; i++) {
        Instant at = START.plusSeconds(spanSeconds * i / eventCount + rnd.nextInt(60));
        events.add(event(i, at));
      }
      int withEvents = 0;
      for (boolean s : seen) {
        withEvents += s ? 1 : 0;
      }
      Summary summary = new Summary(
          eventCount, peopleCount, withEvents, phones, devices, identifierValues, junkValues, anonymousOnly,
          emailOccurrences, emailVariants, phoneOccurrences, typeCounts[0], typeCounts[1], typeCounts[2],
          typeCounts[3], typeCounts[4], typeCounts[5]);
      return new EventFixture(Collections.unmodifiableList(events), summary);
    }

    /** The fictional numbers, shuffled deterministically. */
    private List<String> phonePool() {
      List<String> pool = new ArrayList<>(57_100);
      for (String npa : US_NPAS.split(" ")) {
        for (int line = 0; line < 100; line++) {
          pool.add(String.format(Locale.ROOT, "+1 %s 555 01%02d", npa, line));
        }
      }
      for (String block : UK_BLOCKS) {
        for (int line = 0; line < 1000; line++) {
          pool.add(String.format(Locale.ROOT, "%s%03d", block, line));
        }
      }
      for (int i = pool.size() - 1; i > 0; i--) { // Fisher-Yates with our own generator
        Collections.swap(pool, i, rnd.nextInt(i + 1));
      }
      return pool;
    }

    private Person person(int p, String phone) {
      Person person = new Person();
      person.customerId = "cus-" + (1_000_000 + p);
      person.firstName = FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)];
      person.lastName = LAST_NAMES[rnd.nextInt(LAST_NAMES.length)];
      person.email = person.firstName + "." + person.lastName + "." + p + "@" + DOMAINS[rnd.nextInt(DOMAINS.length)];
      person.phone = phone;
      int n = 1 + rnd.nextInt(3);
      person.devices = new String[n];
      person.deviceNames = new String[n];
      for (int d = 0; d < n; d++) {
        person.devices[d] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        person.deviceNames[d] = DEVICES[rnd.nextInt(DEVICES.length)];
      }
      devices += n;
      person.city = rnd.nextInt(CITIES.length);
      return person;
    }

    /** Mildly skewed: 30% of events come from the first fifth of the population. */
    private int pickPerson() {
      return rnd.nextDouble() < 0.3 ? rnd.nextInt(Math.max(1, peopleCount / 5)) : rnd.nextInt(peopleCount);
    }

    private Event event(int i, Instant at) {
      int p = pickPerson();
      seen[p] = true;
      Person person = people[p];
      int device = rnd.nextInt(person.devices.length);
      double kind = rnd.nextDouble();
      Event.Builder b;
      int real;
      boolean anonymousOnlyEvent = false;
      if (kind < 0.45) {
        typeCounts[0]++;
        b = Event.builder("e-" + i, "pageview", at).action("view");
        device(b, person, device);
        double who = rnd.nextDouble();
        if (who < 0.55) {
          anonymousOnlyEvent = true;
          real = 1;
        } else if (who < 0.85) {
          customerId(b, person);
          real = 2;
        } else {
          email(b, person);
          real = 2;
        }
        String path = PATHS[rnd.nextInt(PATHS.length)];
        b.data("url", path.endsWith("/") && path.length() > 1 ? path + rnd.nextInt(500) : path);
        b.data("device", person.deviceNames[device]);
      } else if (kind < 0.60) {
        typeCounts[1]++;
        b = Event.builder("e-" + i, "login", at).action("login");
        customerId(b, person);
        device(b, person, device);
        real = 2;
        if (rnd.nextDouble() < 0.3) {
          email(b, person);
          real++;
        }
        b.data("device", person.deviceNames[device]);
      } else if (kind < 0.68) {
        typeCounts[2]++;
        b = Event.builder("e-" + i, "order", at).action("purchase");
        customerId(b, person);
        email(b, person);
        real = 2;
        if (rnd.nextDouble() < 0.6) {
          device(b, person, device);
          real++;
        }
        if (person.phone != null && rnd.nextDouble() < 0.3) {
          phone(b, person);
          real++;
        }
        b.data("order_id", "o-" + i);
        b.data("total", BigDecimal.valueOf(500 + rnd.nextInt(30_000), 2));
        b.data("currency", "EUR");
      } else if (kind < 0.75) {
        typeCounts[3]++;
        b = Event.builder("e-" + i, "identify", at).action("update");
        customerId(b, person);
        email(b, person);
        device(b, person, device);
        real = 3;
        if (person.phone != null) {
          phone(b, person);
          real++;
        }
        b.data("first_name", capitalise(person.firstName));
        b.data("last_name", capitalise(person.lastName));
        b.data("city", CITIES[person.city]);
        b.data("country", COUNTRIES[person.city]);
      } else if (kind < 0.80) {
        typeCounts[4]++;
        double a = rnd.nextDouble();
        b = Event.builder("e-" + i, "consent", at).action(a < 0.6 ? "opt_in" : a < 0.85 ? "opt_out" : "reset");
        if (person.phone != null && rnd.nextDouble() < 0.3) {
          phone(b, person);
          b.data("channel", "sms");
        } else {
          email(b, person);
          b.data("channel", "email");
        }
        real = 1;
      } else {
        typeCounts[5]++;
        double a = rnd.nextDouble();
        b = Event.builder("e-" + i, "campaign", at).action(a < 0.5 ? "sent" : a < 0.85 ? "open" : "click");
        email(b, person);
        real = 1;
        b.data("campaign_id", "cmp-" + rnd.nextInt(40));
      }
      identifierValues += real;
      if (anonymousOnlyEvent) {
        anonymousOnly++;
      }
      if (rnd.nextDouble() < JUNK_EVENT_SHARE) {
        junk(b);
      }
      b.source(rnd.nextDouble() < 0.8 ? "web" : "mobile");
      return b.build();
    }

    private void junk(Event.Builder b) {
      junkValues++;
      identifierValues++;
      switch (rnd.nextInt(3)) {
        case 0 -> b.identifier(IdentifierType.EMAIL, fresh("test@test.com"));
        case 1 -> b.identifier(IdentifierType.ANONYMOUS_ID, fresh("undefined"));
        default -> b.identifier(IdentifierType.CUSTOMER_ID, fresh("null"));
      }
    }

    private void customerId(Event.Builder b, Person person) {
      b.identifier(IdentifierType.CUSTOMER_ID, fresh(person.customerId));
    }

    private void device(Event.Builder b, Person person, int device) {
      b.identifier(IdentifierType.ANONYMOUS_ID, fresh(person.devices[device]));
    }

    private void email(Event.Builder b, Person person) {
      emailOccurrences++;
      String e = person.email;
      if (rnd.nextDouble() < EMAIL_VARIANT_SHARE) {
        emailVariants++;
        int at = e.indexOf('@');
        e = switch (rnd.nextInt(5)) {
          case 0 -> e.toUpperCase(Locale.ROOT);
          case 1 -> capitalise(e);
          case 2 -> " " + e + " ";
          case 3 -> e.substring(0, at + 1) + e.substring(at + 1).toUpperCase(Locale.ROOT);
          default -> capitalise(e) + " ";
        };
      }
      b.identifier(IdentifierType.EMAIL, fresh(e));
    }

    private void phone(Event.Builder b, Person person) {
      phoneOccurrences++;
      String spaced = person.phone; // "+1 201 555 0123" or "+44 20 7946 0123"
      String v = switch (rnd.nextInt(5)) {
        case 0 -> spaced;
        case 1 -> spaced.replace(' ', '-').replaceFirst("-", " ");
        case 2 -> spaced.replace(" ", "");
        case 3 -> "00" + spaced.substring(1);
        default -> spaced.startsWith("+1 ")
            ? "(" + spaced.substring(3, 6) + ") " + spaced.substring(7, 10) + "-" + spaced.substring(11)
            : spaced.replace(" ", "");
      };
      b.identifier(IdentifierType.PHONE, fresh(v));
    }

    private static String capitalise(String s) {
      return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A new String instance, as a parser would make for each event. */
    private static String fresh(String s) {
      return new String(s.toCharArray());
    }
  }
}
