-- lede schema, version 4: whether a source page says it is paywalled
-- (1 yes, 0 no, NULL when it does not say), for the story's sources panel.
ALTER TABLE articles ADD COLUMN paywalled INTEGER;
