-- Time to approve as hourly histograms beside the rollups, so that the summary's median reads rollups only (the
-- exact median over attempt_verifications sorted every approval of the window: 1.6 s over 30 days at 5M records).
-- One row per (dimension, start hour, value, seconds): how many verifications started in that hour and group were
-- approved after that many seconds. Seconds are rounded to the second below 2 minutes, to 10 s below 10 minutes and
-- to the minute above (ApprovalTimes), so a month of one group is a few thousand rows at most.
CREATE TABLE attempt_approval_times (
    dim      text        NOT NULL,
    hour     timestamptz NOT NULL,
    value    text        NOT NULL,
    seconds  integer     NOT NULL,
    approved bigint      NOT NULL,
    PRIMARY KEY (dim, hour, value, seconds)
);

-- Retention deletes verification rows by age: started_at through the existing index, and these (an approval whose
-- start never reached the archive) through this one, instead of a scan of the whole table every pass.
CREATE INDEX attempt_verifications_orphan_approved ON attempt_verifications (approved_at) WHERE started_at IS NULL;

-- Existing approvals: their histogram from the verification rows (empty on a new database).
INSERT INTO attempt_approval_times (dim, hour, value, seconds, approved)
SELECT d.dim, date_trunc('hour', v.started_at, 'UTC'), d.value,
       CASE WHEN s < 119.5 THEN floor(s + 0.5)::int WHEN s < 595 THEN (floor(s / 10 + 0.5) * 10)::int
            ELSE (floor(s / 60 + 0.5) * 60)::int END, count(*)
FROM attempt_verifications v
CROSS JOIN LATERAL (SELECT greatest(0, extract(epoch FROM v.approved_at - v.started_at))::float8 AS s) t
CROSS JOIN LATERAL (VALUES ('all', ''), ('provider', v.provider), ('country', v.country), ('prefix', v.prefix),
                           ('appId', v.app_id)) AS d(dim, value)
WHERE v.started_at IS NOT NULL AND v.approved_at IS NOT NULL
GROUP BY 1, 2, 3, 4;
