-- Adds 1 to field ARGV[1] of the hash KEYS[1] and (re)sets its time to live to ARGV[2] ms: one round trip.
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
