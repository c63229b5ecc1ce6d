-- What the calls placed cost, per rollup row: the placing provider's configured cost of that call (routing's
-- callauth.providers.<name>.cost and its overrides), as the call_placed record's routing detail names it. 0 for calls
-- placed without a configured cost, and for every row before this version. A constant default: nothing is rewritten.
ALTER TABLE attempt_rollups ADD COLUMN spend double precision NOT NULL DEFAULT 0;
