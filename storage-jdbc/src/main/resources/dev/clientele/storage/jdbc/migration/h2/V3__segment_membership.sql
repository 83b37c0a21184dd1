-- Clientele storage schema, version 3 (H2, PostgreSQL mode): segment membership over time
-- IF NOT EXISTS everywhere: H2 commits each CREATE by itself, so a process killed during this
-- script leaves part of it without its version row, and the next open runs it again (see Migrations).
-- (JdbcMembershipStore). A span row per stay of a profile in a segment, in the order opened
-- (seq); instants are kept exactly as epoch seconds and nanoseconds. The current table holds
-- one row per open span: its primary key is what makes entering conditional (a second entry
-- fails on it and is rolled back), and leaving deletes it.

CREATE TABLE IF NOT EXISTS clientele_segment_span (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  profile_id VARCHAR(64) NOT NULL,
  segment    VARCHAR(64) NOT NULL,
  entered_s  BIGINT NOT NULL,
  entered_n  INT NOT NULL,
  entered_by VARCHAR(256),
  left_s     BIGINT,
  left_n     INT,
  left_by    VARCHAR(256)
);
CREATE INDEX IF NOT EXISTS clientele_segment_span_by_profile ON clientele_segment_span (profile_id, seq);

CREATE TABLE IF NOT EXISTS clientele_segment_current (
  profile_id VARCHAR(64) NOT NULL,
  segment    VARCHAR(64) NOT NULL,
  span_seq   BIGINT NOT NULL REFERENCES clientele_segment_span (seq) ON DELETE CASCADE,
  PRIMARY KEY (profile_id, segment)
);
