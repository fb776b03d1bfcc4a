-- lede schema, version 2 (PostgreSQL): feed scheduling state, and leases for
-- many workers. The same tables and columns as the SQLite migration.

-- Scheduling state the poller adapts per feed.
ALTER TABLE feeds
    ADD COLUMN interval_secs BIGINT,
    ADD COLUMN failing_since TIMESTAMPTZ,
    ADD COLUMN last_changed  TIMESTAMPTZ,
    -- The worker polling the feed now, and until when its claim holds.
    ADD COLUMN lease_owner   TEXT,
    ADD COLUMN lease_until   TIMESTAMPTZ;
CREATE INDEX feeds_due ON feeds(next_fetch);

-- Named singleton leases (one clusterer at a time).
CREATE TABLE leases (
    name    TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);

-- Stories to (re)write. A row is never deleted, so generations only grow: a
-- story is dirty while generation > done_generation.
CREATE TABLE story_work (
    story_id         BIGINT PRIMARY KEY,
    -- bumped by every assignment that touches the story
    generation       BIGINT NOT NULL,
    -- the highest generation a writer has completed
    done_generation  BIGINT NOT NULL DEFAULT 0,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ,
    -- the generation handed out with the lease
    lease_generation BIGINT
);
CREATE INDEX story_work_dirty ON story_work(story_id) WHERE generation > done_generation;
