-- Figures particular to a record's type, a JSON object: an auto-block's evidence, a routing decision's reason. Null for
-- every record that has none (all of them before this version). On the partitioned parent, so every day's partition
-- gains it; adding a nullable column without a default rewrites nothing.
ALTER TABLE attempts ADD COLUMN detail jsonb;
