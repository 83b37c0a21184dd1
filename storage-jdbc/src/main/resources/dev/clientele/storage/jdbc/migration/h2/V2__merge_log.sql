-- Clientele storage schema, version 2 (H2, PostgreSQL mode): the merge log.
-- IF NOT EXISTS everywhere: H2 commits each CREATE by itself, so a process killed during this
-- script leaves part of it without its version row, and the next open runs it again (see Migrations).
-- Records are kept whole in body; seq orders them (drawn at insert: commits that touch the
-- same profiles are serialised by their row locks, so for them it is commit order). The two
-- key tables make "records naming a profile" and "splits holding an identifier" index probes,
-- and go with their record when it is erased.

CREATE TABLE IF NOT EXISTS clientele_merge_record (
  id   VARCHAR(64) PRIMARY KEY,
  seq  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  body VARBINARY NOT NULL
);

CREATE TABLE IF NOT EXISTS clientele_merge_profile (
  profile_id VARCHAR(64) NOT NULL,
  record_id  VARCHAR(64) NOT NULL REFERENCES clientele_merge_record (id) ON DELETE CASCADE,
  PRIMARY KEY (profile_id, record_id)
);
CREATE INDEX IF NOT EXISTS clientele_merge_profile_by_record ON clientele_merge_profile (record_id);

CREATE TABLE IF NOT EXISTS clientele_merge_split_identifier (
  id_type   VARCHAR(64) NOT NULL,
  id_value  VARCHAR(512) NOT NULL,
  record_id VARCHAR(64) NOT NULL REFERENCES clientele_merge_record (id) ON DELETE CASCADE,
  PRIMARY KEY (id_type, id_value, record_id)
);
CREATE INDEX IF NOT EXISTS clientele_merge_split_by_record ON clientele_merge_split_identifier (record_id);
