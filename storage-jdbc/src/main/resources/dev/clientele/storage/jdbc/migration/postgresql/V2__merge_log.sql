-- Clientele storage schema, version 2 (PostgreSQL): the merge log.
-- Records are kept whole in body; seq orders them (drawn at insert: commits that touch the
-- same profiles are serialised by their row locks, so for them it is commit order). The two
-- key tables make "records naming a profile" and "splits holding an identifier" index probes,
-- and go with their record when it is erased.

CREATE TABLE clientele_merge_record (
  id   VARCHAR(64) COLLATE "C" PRIMARY KEY,
  seq  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  body BYTEA NOT NULL
);

CREATE TABLE clientele_merge_profile (
  profile_id VARCHAR(64) COLLATE "C" NOT NULL,
  record_id  VARCHAR(64) COLLATE "C" NOT NULL REFERENCES clientele_merge_record (id) ON DELETE CASCADE,
  PRIMARY KEY (profile_id, record_id)
);
CREATE INDEX clientele_merge_profile_by_record ON clientele_merge_profile (record_id);

CREATE TABLE clientele_merge_split_identifier (
  id_type   VARCHAR(64) COLLATE "C" NOT NULL,
  id_value  VARCHAR(512) COLLATE "C" NOT NULL,
  record_id VARCHAR(64) COLLATE "C" NOT NULL REFERENCES clientele_merge_record (id) ON DELETE CASCADE,
  PRIMARY KEY (id_type, id_value, record_id)
);
CREATE INDEX clientele_merge_split_by_record ON clientele_merge_split_identifier (record_id);
