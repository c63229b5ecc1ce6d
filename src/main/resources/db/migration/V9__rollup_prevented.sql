-- The calls that refusals prevented, per rollup row (rows of a rule or reason): refused starts whose record names the
-- call not placed (detail {"prevented": {"provider", "cost"}}, written with costs configured), and what those calls
-- would have cost (the first provider's configured cost for the destination). 0 for every row before this version.
ALTER TABLE attempt_rollups ADD COLUMN prevented bigint NOT NULL DEFAULT 0,
                            ADD COLUMN prevented_cost double precision NOT NULL DEFAULT 0;
