-- Adds ARGV[1] to the set KEYS[1] and (re)sets its time to live to ARGV[2] ms: one round trip.
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
