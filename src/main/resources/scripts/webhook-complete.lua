-- Ends tries of one webhook endpoint that a sender claimed: done (delivered, or no try left) or due again at a time;
-- each with its new log line. A try whose claim is no longer this token's (its lease ran out and another sender took
-- it) is left to that sender. Keeps when the endpoint began failing every try (for disabling it after days). Then, in
-- the same round trip, claims up to ARGV[4] of the endpoint's next due tries for the same token (a sender refilling
-- the slots its delivered tries freed).
-- KEYS: [1] due zset, [2] bodies hash, [3] claims hash, [4] log hash, [5] health hash
-- ARGV: [1] token, [2] now ms, [3] 1 when a try was delivered (the endpoint is healthy), 0 when every try failed,
--       [4] most tries to claim next (0: none), [5] their lease end ms,
--       then per try: id, 'done' or the next due time in ms, log line
-- returns the time (ms) since which every try failed, or '' when the endpoint is healthy (or none of the tries was
-- still this token's); then id, body, log line for each try claimed next
--#include webhook-claim-prelude
local matched = false
for i = 6, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[3], id) == ARGV[1] then
    matched = true
    redis.call('HDEL', KEYS[3], id)
    if ARGV[i + 1] == 'done' then
      redis.call('ZREM', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
    else
      redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    end
    redis.call('HSET', KEYS[4], id, ARGV[i + 2])
  end
end
local failing = ''
if matched then
  if ARGV[3] == '1' then
    redis.call('HDEL', KEYS[5], 'failingSince')
  else
    redis.call('HSETNX', KEYS[5], 'failingSince', ARGV[2])
    failing = redis.call('HGET', KEYS[5], 'failingSince')
  end
end
return claim(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[2], ARGV[5], ARGV[1], tonumber(ARGV[4]), {failing})
