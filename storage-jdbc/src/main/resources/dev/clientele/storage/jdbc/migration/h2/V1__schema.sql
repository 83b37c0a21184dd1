-- Clientele storage schema, version 1 (H2, PostgreSQL mode).
-- IF NOT EXISTS everywhere: H2 commits each CREATE by itself, so a process killed during this
-- script leaves part of it without its version row, and the next open runs it again (see Migrations).
-- H2 compares strings as Java does, so no collation is needed for paging order.

CREATE TABLE IF NOT EXISTS clientele_profile (
  id       VARCHAR(64) PRIMARY KEY,
  version  BIGINT NOT NULL,
  body     VARBINARY NOT NULL
);

-- identifier -> owner; the primary key makes a lookup by identifier O(log n).
CREATE TABLE IF NOT EXISTS clientele_identity (
  id_type    VARCHAR(64) NOT NULL,
  id_value   VARCHAR(512) NOT NULL,
  profile_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (id_type, id_value)
);
-- "which identifiers does this profile own" (erasure, split) without a scan.
CREATE INDEX IF NOT EXISTS clientele_identity_by_profile ON clientele_identity (profile_id);

-- Events keyed by id (idempotent append) and reached through their anchor identifier: a
-- profile's timeline is one index range per identifier it owns, ordered by time.
CREATE TABLE IF NOT EXISTS clientele_event (
  event_id     VARCHAR(256) PRIMARY KEY,
  anchor_type  VARCHAR(64) NOT NULL,
  anchor_value VARCHAR(512) NOT NULL,
  occurred_at  BIGINT NOT NULL,
  body         VARBINARY NOT NULL
);
CREATE INDEX IF NOT EXISTS clientele_event_by_anchor ON clientele_event (anchor_type, anchor_value, occurred_at);

CREATE TABLE IF NOT EXISTS clientele_tombstone (
  hash VARCHAR(128) PRIMARY KEY
);
