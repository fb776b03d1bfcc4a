-- lede schema, version 1.
-- Times are RFC 3339 UTC text ("2010-05-24T00:00:00Z"), which sorts by time.

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    canonical_url TEXT,
    content_hash  TEXT NOT NULL UNIQUE,
    outlet        TEXT NOT NULL,
    title         TEXT NOT NULL,
    byline        TEXT,
    published     TEXT,
    language      TEXT,
    body          TEXT NOT NULL,
    -- sentence spans as JSON: [[start, end], ...] (byte offsets into body)
    sentences     TEXT NOT NULL,
    story_id      INTEGER,
    added         TEXT NOT NULL
);
CREATE INDEX articles_canonical ON articles(canonical_url);
CREATE INDEX articles_story ON articles(story_id, published);

CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL,
    updated         TEXT NOT NULL,
    first_published TEXT,
    last_published  TEXT,
    sources         INTEGER NOT NULL,
    -- the StorySummary as JSON, for lists
    summary         TEXT NOT NULL,
    -- the whole Story as JSON
    story           TEXT NOT NULL
);
CREATE INDEX stories_recent ON stories(last_published DESC, id DESC);

CREATE TABLE story_versions (
    story_id    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    updated     TEXT NOT NULL,
    change_note TEXT NOT NULL,
    story       TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
);

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    etag          TEXT,
    last_modified TEXT,
    last_fetched  TEXT,
    last_error    TEXT,
    error_count   INTEGER NOT NULL DEFAULT 0,
    next_fetch    TEXT,
    added         TEXT NOT NULL
);
