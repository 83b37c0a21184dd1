-- Clientele storage schema, version 1 (PostgreSQL).
-- Ids and identifier values use the "C" collation so that ORDER BY matches Java's
-- String.compareTo, which paging and the in-memory store use.

CREATE TABLE clientele_profile (
  id       VARCHAR(64) COLLATE "C" PRIMARY KEY,
  version  BIGINT NOT NULL,
  body     BYTEA NOT NULL
);

-- identifier -> owner; the primary key makes a lookup by identifier O(log n).
CREATE TABLE clientele_identity (
  id_type    VARCHAR(64) COLLATE "C" NOT NULL,
  id_value   VARCHAR(512) COLLATE "C" NOT NULL,
  profile_id VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (id_type, id_value)
);
-- "which identifiers does this profile own" (erasure, split) without a scan.
CREATE INDEX clientele_identity_by_profile ON clientele_identity (profile_id);

-- Events keyed by id (idempotent append) and reached through their anchor identifier: a
-- profile's timeline is one index range per identifier it owns, ordered by time.
CREATE TABLE clientele_event (
  event_id     VARCHAR(256) COLLATE "C" PRIMARY KEY,
  anchor_type  VARCHAR(64) COLLATE "C" NOT NULL,
  anchor_value VARCHAR(512) COLLATE "C" NOT NULL,
  occurred_at  BIGINT NOT NULL,
  body         BYTEA NOT NULL
);
CREATE INDEX clientele_event_by_anchor ON clientele_event (anchor_type, anchor_value, occurred_at);

CREATE TABLE clientele_tombstone (
  hash VARCHAR(128) COLLATE "C" PRIMARY KEY
);
