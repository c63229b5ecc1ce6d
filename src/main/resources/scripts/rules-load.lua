-- The version and the rule set, read together (a replica's copy is one consistent version).
-- KEYS[1] the version, KEYS[2] the rule set; returns {version, {id, rule json, ...}}
return {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2])}
