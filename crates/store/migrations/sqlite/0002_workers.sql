-- lede schema, version 2: feed scheduling state, and leases for many workers.
-- Lease times are RFC 3339 UTC text with milliseconds ("2031-04-03T09:00:00.000Z"),
-- always written the same way so that they sort by time.

-- Scheduling state the poller adapts per feed.
ALTER TABLE feeds ADD COLUMN interval_secs INTEGER;
ALTER TABLE feeds ADD COLUMN failing_since TEXT;
ALTER TABLE feeds ADD COLUMN last_changed TEXT;
-- The worker polling the feed now, and until when its claim holds.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
ALTER TABLE feeds ADD COLUMN lease_until TEXT;
CREATE INDEX feeds_due ON feeds(next_fetch);

-- Named singleton leases (one clusterer at a time).
CREATE TABLE leases (
    name    TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    expires TEXT NOT NULL
);

-- Stories to (re)write. A row is never deleted, so generations only grow: a
-- story is dirty while generation > done_generation.
CREATE TABLE story_work (
    story_id         INTEGER PRIMARY KEY,
    -- bumped by every assignment that touches the story
    generation       INTEGER NOT NULL,
    -- the highest generation a writer has completed
    done_generation  INTEGER NOT NULL DEFAULT 0,
    lease_owner      TEXT,
    lease_until      TEXT,
    -- the generation handed out with the lease
    lease_generation INTEGER
);
CREATE INDEX story_work_dirty ON story_work(story_id) WHERE generation > done_generation;
