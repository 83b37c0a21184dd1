package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The merge-record ids ingestion draws: random version-4 UUIDs in their usual text form. */
class RecordIdTest {
  @Test
  void recordIds_areDistinctVersion4Uuids() {
    Set<String> seen = new HashSet<>();
    long[] bitsSeen = new long[2]; // OR of the random bits: each must be set at least once
    for (int i = 0; i < 10_000; i++) {
      String id = IngestPipeline.randomRecordId();
      UUID parsed = UUID.fromString(id);
      assertThat(parsed.toString()).isEqualTo(id);
      assertThat(parsed.version()).isEqualTo(4);
      assertThat(parsed.variant()).isEqualTo(2);
      assertThat(seen.add(id)).as("id %s drawn twice", id).isTrue();
      bitsSeen[0] |= parsed.getMostSignificantBits();
      bitsSeen[1] |= parsed.getLeastSignificantBits();
    }
    // Only the 6 fixed bits (version, variant) are not random: every other bit took the value 1 somewhere.
    assertThat(bitsSeen[0]).isEqualTo(-1L & ~0xB000L);
    assertThat(bitsSeen[1]).isEqualTo(-1L & ~0x4000_0000_0000_0000L);
  }
}
