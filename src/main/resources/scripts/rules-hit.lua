-- Counts one hit for each rule that matched a start.
-- KEYS[1] the hit counts; ARGV the ids of the rules; returns how many
for _, id in ipairs(ARGV) do
  redis.call('HINCRBY', KEYS[1], id, 1)
end
return #ARGV
