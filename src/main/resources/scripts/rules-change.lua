-- Puts a rule or deletes one; both bump the version (every replica reloads when it changes) and append to the
-- audit trail.
-- KEYS[1] the rule set, KEYS[2] the version, KEYS[3] the audit trail, KEYS[4] the hit counts
-- ARGV[1] op ('put' or 'del'), ARGV[2] the rule's id, then for put: ARGV[3] the rule as JSON, ARGV[4] the audit
-- entry as JSON; for del: ARGV[4] the audit entry's head, completed here with the rule it removed
-- returns 1 when put; the removed rule's JSON when deleted, false when there was no such rule
if ARGV[1] == 'put' then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  redis.call('INCR', KEYS[2])
  redis.call('LPUSH', KEYS[3], ARGV[4])
  return 1
end
local old = redis.call('HGET', KEYS[1], ARGV[2])
if not old then
  return false
end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('LPUSH', KEYS[3], ARGV[4] .. old .. '}')
return old
