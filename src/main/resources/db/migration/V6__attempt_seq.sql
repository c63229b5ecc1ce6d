-- The order of records within one millisecond. A record's id is its stream id, "ms-seq" ("ms-seq.shard" past shard 0),
-- and compared as text "...-10" sorts before "...-9": newest first put the 10th record of a millisecond after the 9th.
-- attempt_seq(id) is the stream position as one number, ms * 2^20 + seq (seq capped at 2^20 - 1, a million entries
-- of one shard in one millisecond; ms capped so that the product fits a bigint), 0 for an id of another shape. The
-- attempt log is ordered by (at, attempt_seq(id), id), newest first; id stays last so that the order is total (two
-- shards may hand out the same stream id).
-- A function of the id rather than a stored column: nothing is rewritten (the retained days stay as they are) and the
-- ingester writes nothing more. The list's indexes (at, id) and (filter, at, id) still give the rows by time, and an
-- incremental sort orders the records of each millisecond by attempt_seq(id), computed for those rows only.
CREATE FUNCTION attempt_seq(id text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT CASE WHEN id ~ '^[0-9]{1,13}-[0-9]{1,19}(\.[0-9]+)?$'
            THEN least(split_part(id, '-', 1)::bigint, 8796093022207) * 1048576
                 + least(split_part(split_part(id, '-', 2), '.', 1)::numeric, 1048575)::bigint
            ELSE 0 END
$$;
