package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The exporter reads profiles ahead in batches ({@link ReadAhead}): it must write exactly what
 * it writes one by one (bytes, summary, filter calls and progress reports in the same order), for
 * any number of profiles around the batch size, any batch size, format, filter and progress
 * interval; and it must stay at most one batch behind the source.
 */
class ReadAheadTest {
  final TypedCsvCellsTest specs = new TypedCsvCellsTest();

  @Provide
  Arbitrary<List<TypedCsvCellsTest.Spec>> someSpecs() {
    return specs.specs().list().ofMinSize(1).ofMaxSize(7);
  }

  /** {@code count} profiles made from {@code specs} in turn, each with its own id. */
  static List<Profile> profiles(List<TypedCsvCellsTest.Spec> specs, int count) {
    List<Profile> ps = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ps.add(TypedCsvCellsTest.profile(i, specs.get(i % specs.size())));
    }
    return ps;
  }

  /** What one export did: its bytes, its summary, the ids its filter saw, its progress reports. */
  record Run(String bytes, ExportSummary summary, List<String> filtered, List<String> progress) {}

  static Run run(List<Profile> ps, ExportFormat format, int skipEvery, long interval, int readAhead) {
    List<String> filtered = new ArrayList<>();
    List<String> progress = new ArrayList<>();
    ExportRequest.Builder b = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).attributeNames(TypedCsvCellsTest.ATTRIBUTES)
        .format(format).progress((read, written) -> progress.add(read + "/" + written), interval);
    if (skipEvery > 0) {
      b.filter(row -> {
        filtered.add(row.profile().id().value());
        return row.profile().eventCount() % skipEvery != 0;
      });
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportSummary s = ProfileExporter.write(b.build(), ProfileSource.of(ps), out, true, readAhead);
    return new Run(out.toString(StandardCharsets.UTF_8), s, filtered, progress);
  }

  @Property(tries = 150)
  void readAhead_writesWhatOneByOneWrites(@ForAll("someSpecs") List<TypedCsvCellsTest.Spec> specs,
      @ForAll @IntRange(min = 0, max = 100) int count, @ForAll @IntRange(min = 2, max = 40) int readAhead,
      @ForAll ExportFormat format, @ForAll @IntRange(min = 0, max = 3) int skipEvery,
      @ForAll @IntRange(min = 1, max = 40) int interval) {
    List<Profile> ps = profiles(specs, count);

    Run oneByOne = run(ps, format, skipEvery, interval, 1);
    Run ahead = run(ps, format, skipEvery, interval, readAhead);

    assertThat(ahead.bytes()).isEqualTo(oneByOne.bytes());
    assertThat(ahead.summary()).isEqualTo(oneByOne.summary());
    assertThat(ahead.filtered()).isEqualTo(oneByOne.filtered());
    assertThat(ahead.progress()).isEqualTo(oneByOne.progress());
    assertThat(ahead.summary().profilesRead()).isEqualTo(count);
  }

  @Test
  void publicWrite_readsAhead_andWritesWhatOneByOneWrites() {
    List<Profile> ps = new ArrayList<>();
    List<Profile> three = ExportFixtures.three();
    for (int i = 0; i < 3 * ReadAhead.SIZE + 5; i++) {
      ps.add(three.get(i % 3));
    }
    ExportRequest request = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).build();
    ByteArrayOutputStream batched = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), batched);
    ByteArrayOutputStream oneByOne = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), oneByOne, true, 1);

    assertThat(batched.toString(StandardCharsets.UTF_8)).isEqualTo(oneByOne.toString(StandardCharsets.UTF_8))
        .contains("p-ann").contains("p-zed");
  }

  @Test
  void readAhead_staysAtMostOneBatchBehindTheSource() {
    List<Profile> ps = new ArrayList<>();
    List<Profile> three = ExportFixtures.three();
    for (int i = 0; i < 200; i++) {
      ps.add(three.get(i % 3));
    }
    int[] pulled = {0};
    int[] processed = {0};
    int[] maxBehind = {0};
    ProfileSource source = ProfileSource.ofIterators(() -> new Iterator<Profile>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < ps.size();
      }

      @Override
      public Profile next() {
        pulled[0]++;
        maxBehind[0] = Math.max(maxBehind[0], pulled[0] - processed[0]);
        return ps.get(i++);
      }
    });
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().columns(List.of(ProfileColumn.id()))
        .filter(row -> ++processed[0] > 0).build(), source, new ByteArrayOutputStream());

    assertThat(s.rowsWritten()).isEqualTo(200);
    assertThat(maxBehind[0]).isEqualTo(ReadAhead.SIZE);
  }

  @Test
  void readAhead_nullProfile_failsInOrder_afterTheProfilesBeforeIt() {
    List<Profile> three = ExportFixtures.three();
    Profile[] ps = new Profile[50];
    for (int i = 0; i < ps.length; i++) {
      ps[i] = three.get(i % 3);
    }
    ps[40] = null;
    List<String> seen = new ArrayList<>();
    ExportRequest request = ExportRequest.builder().columns(List.of(ProfileColumn.id()))
        .filter(row -> seen.add(row.profile().id().value())).build();

    assertThatThrownBy(() -> ProfileExporter.write(request, ProfileSource.of(Arrays.asList(ps)), new ByteArrayOutputStream()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source gave a null profile");
    assertThat(seen).hasSize(40);
  }

  @Test
  void touch_readsOnlyAndSkipsNulls() {
    List<Profile> three = ExportFixtures.three();
    Profile[] batch = {three.get(0), null, three.get(2)};
    int h = ReadAhead.touch(batch, 3);
    assertThat(ReadAhead.touch(new Profile[] {three.get(0), three.get(2)}, 2)).isEqualTo(h);
    assertThat(batch[1]).isNull();
  }
  @Test
  void batchBoundaries_writeWhatOneByOneWrites() {
    List<TypedCsvCellsTest.Spec> some = someSpecs().sample();
    for (int count : new int[] {0, 1, 31, 32, 33, 63, 64, 65}) {
      List<Profile> ps = profiles(some, count);
      for (ExportFormat format : ExportFormat.values()) {
        for (int skipEvery : new int[] {0, 2}) {
          Run oneByOne = run(ps, format, skipEvery, 7, 1);
          Run ahead = run(ps, format, skipEvery, 7, ReadAhead.SIZE);
          assertThat(ahead).as("%s profiles, %s, skip every %s", count, format, skipEvery).isEqualTo(oneByOne);
        }
      }
    }
  }

  /** What an export wrote before it failed, and how it failed. */
  record Failed(String bytes, Throwable failure, List<String> filtered) {}

  static Failed failing(ProfileSource source, int failFilterAt, int readAhead) {
    List<String> filtered = new ArrayList<>();
    ExportRequest request = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).attributeNames(TypedCsvCellsTest.ATTRIBUTES)
        .filter(row -> {
          filtered.add(row.profile().id().value());
          if (filtered.size() == failFilterAt) {
            throw new IllegalStateException("filter failed at " + failFilterAt);
          }
          return true;
        }).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Throwable failure = null;
    try {
      ProfileExporter.write(request, source, out, true, readAhead);
    } catch (RuntimeException e) {
      failure = e;
    }
    return new Failed(out.toString(StandardCharsets.UTF_8), failure, filtered);
  }

  /** A source of {@code ps} that throws after passing {@code failAfter} of them (never if negative). */
  static ProfileSource failingAfter(List<Profile> ps, int failAfter) {
    return action -> {
      for (int i = 0; i < ps.size(); i++) {
        if (i == failAfter) {
          throw new IllegalStateException("source failed after " + failAfter);
        }
        action.accept(ps.get(i));
      }
    };
  }

  @Test
  void aSourceThatFailsMidBatch_stillGetsWhatItPassedWritten() {
    List<Profile> ps = profiles(someSpecs().sample(), 100);
    for (int failAfter : new int[] {0, 1, 31, 32, 33, 40, 64}) {
      Failed oneByOne = failing(failingAfter(ps, failAfter), -1, 1);
      Failed ahead = failing(failingAfter(ps, failAfter), -1, ReadAhead.SIZE);
      assertThat(ahead.filtered()).as("after %s", failAfter).hasSize(failAfter).isEqualTo(oneByOne.filtered());
      assertThat(ahead.bytes()).isEqualTo(oneByOne.bytes());
      assertThat(ahead.failure()).hasMessage("source failed after " + failAfter);
    }
  }

  @Test
  void aRowThatFailsMidBatch_failsTheExportAsOneByOne() {
    List<Profile> ps = profiles(someSpecs().sample(), 100);
    for (int failAt : new int[] {1, 16, 32, 33, 40}) {
      Failed oneByOne = failing(ProfileSource.of(ps), failAt, 1);
      Failed ahead = failing(ProfileSource.of(ps), failAt, ReadAhead.SIZE);
      assertThat(ahead.filtered()).as("at %s", failAt).hasSize(failAt).isEqualTo(oneByOne.filtered());
      assertThat(ahead.bytes()).isEqualTo(oneByOne.bytes());
      assertThat(ahead.failure()).hasMessage("filter failed at " + failAt);
    }
  }

  @Test
  void aSourceThatCatchesARowsFailureAndGoesOn_losesNoOtherProfile() {
    List<Profile> ps = profiles(someSpecs().sample(), 70);
    // A host source that logs and skips a profile whose row fails, then goes on.
    ProfileSource forgiving = action -> {
      for (Profile p : ps) {
        try {
          action.accept(p);
        } catch (IllegalStateException e) {
          // skipped
        }
      }
    };
    for (int failAt : new int[] {1, 16, 32, 40}) {
      Failed oneByOne = failing(forgiving, failAt, 1);
      Failed ahead = failing(forgiving, failAt, ReadAhead.SIZE);
      assertThat(ahead.filtered()).as("at %s", failAt).hasSize(70).isEqualTo(oneByOne.filtered());
      assertThat(ahead.bytes()).isEqualTo(oneByOne.bytes());
    }
  }
}
