-- The console overview's toll-fraud alerts read the hours of a few (dimension, value) pairs over a window and the day
-- before it: by value, not by hour, so that a 24-hour window reads a few hundred rows instead of every prefix's.
CREATE INDEX attempt_rollups_value ON attempt_rollups (dim, value, hour) WHERE rule = '';
