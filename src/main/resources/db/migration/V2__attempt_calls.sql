-- The calls of verifications, for the fraud team's call records (GET /v1/verifications/{id}/calls) after the
-- verification left Redis: one row per call, written by the ingester from the call records of the attempt stream
-- (call_placed, call_failed, call_outcome and call_record, Yunhu's pushed CDR) in the transaction that archives them.
-- Upserts that only fill in, so redeliveries and records arriving in another batch or order change nothing else.
-- Never a code: caller_id is masked, provider_call_id is never a calling number. Retention deletes by placed_at.
CREATE TABLE attempt_calls (
    call_ref         text PRIMARY KEY,
    verification_id  text        NOT NULL,
    provider         text,
    channel          text,
    phone            text,
    caller_id        text,
    provider_call_id text,
    placed_at        timestamptz,
    call_status      text,
    record           jsonb,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX attempt_calls_verification ON attempt_calls (verification_id, placed_at);
CREATE INDEX attempt_calls_updated ON attempt_calls (updated_at);
