-- The rule set and the hit counts, read together.
-- KEYS[1] the rule set, KEYS[2] the hit counts; returns {{id, rule json, ...}, {id, hits, ...}}
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
