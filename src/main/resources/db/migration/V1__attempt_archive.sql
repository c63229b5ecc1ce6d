-- The attempt archive: every record of the attempt log, moved here from the Redis Stream by the ingester.

-- One row per record. Partitioned by day on the record's time: retention drops whole partitions, and a query with a
-- time window reads only the days it covers. The ingester creates the partitions ahead (AttemptArchive.ensureDays).
-- The stream id is the record's id; with the partition key it is the primary key, so a redelivered record
-- (same id, same time) changes nothing.
CREATE TABLE attempts (
    id              text        NOT NULL,
    at              timestamptz NOT NULL,
    type            text        NOT NULL,
    verification_id text,
    phone           text,
    country         text,
    prefix          text,
    provider        text,
    channel         text,
    outcome         text,
    reason          text,
    rule            text,
    api_key         text,
    ip              text,
    user_agent      text,
    app_id          text,
    device_id       text,
    PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);

-- Every filter of GET /v1/attempts is an index range scan read backwards (newest first): the primary key for time
-- alone, these for the rest. Partial: most records lack one or another of them.
CREATE INDEX attempts_phone ON attempts (phone, at, id) WHERE phone IS NOT NULL;
CREATE INDEX attempts_ip ON attempts (ip, at, id) WHERE ip IS NOT NULL;
CREATE INDEX attempts_app_id ON attempts (app_id, at, id) WHERE app_id IS NOT NULL;
CREATE INDEX attempts_device_id ON attempts (device_id, at, id) WHERE device_id IS NOT NULL;
CREATE INDEX attempts_verification_id ON attempts (verification_id, at, id) WHERE verification_id IS NOT NULL;

-- Hourly rollups, one row per (hour, dimension, value, rule): dim is 'all' (value ''), 'provider', 'country',
-- 'prefix' or 'appId'; rule is '' for the counters of flows and the rule or reason of a refusal otherwise. A record
-- adds to one row per dimension, in the ingester's transaction. Summaries read only these.
CREATE TABLE attempt_rollups (
    hour            timestamptz NOT NULL,
    dim             text        NOT NULL,
    value           text        NOT NULL,
    rule            text        NOT NULL DEFAULT '',
    started         bigint      NOT NULL DEFAULT 0,
    approved        bigint      NOT NULL DEFAULT 0,
    calls_placed    bigint      NOT NULL DEFAULT 0,
    calls_delivered bigint      NOT NULL DEFAULT 0,
    refused         bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, hour, value, rule)
);

-- One row per verification: when it started (and with which dimensions) and when it was approved, for the median
-- time to approve and to count an approval in the hour and dimensions its verification started in.
CREATE TABLE attempt_verifications (
    verification_id text PRIMARY KEY,
    started_at      timestamptz,
    approved_at     timestamptz,
    provider        text NOT NULL DEFAULT '',
    country         text NOT NULL DEFAULT '',
    prefix          text NOT NULL DEFAULT '',
    app_id          text NOT NULL DEFAULT ''
);
CREATE INDEX attempt_verifications_started ON attempt_verifications (started_at) INCLUDE (approved_at);
