-- Releases a lock only if still held by ARGV[1] (a holder whose lock expired must not free another's).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
