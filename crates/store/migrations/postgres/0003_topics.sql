-- lede schema, version 3: each story's front-page section (a topic slug such
-- as 'business'; NULL when none fits), for the per-topic pages and feeds.
-- Stories written before are filed when next rewritten.
ALTER TABLE stories ADD COLUMN topic TEXT;
CREATE INDEX stories_topic ON stories(topic, last_published DESC, id DESC);
-- Articles by the time they were stored, for the status page's articles per hour.
CREATE INDEX articles_added ON articles(added);
