-- The prefix filter of GET /v1/attempts (and the console's prefix links): an index range scan like the other filters.
CREATE INDEX attempts_prefix ON attempts (prefix, at, id) WHERE prefix IS NOT NULL;
