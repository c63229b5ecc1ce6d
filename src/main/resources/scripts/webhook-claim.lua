-- Claims up to ARGV[4] due tries of one webhook endpoint for one sender: each claimed try is pushed to the lease's end
-- and owned by the claim's token. A sender that dies lets the lease run out: the try is due again and another claims
-- it (sent again with the same webhook-id).
-- KEYS: [1] due zset, [2] bodies hash, [3] claims hash, [4] log hash
-- ARGV: [1] now ms, [2] lease end ms, [3] token, [4] most tries
-- returns id, body, log line for each claimed try
--#include webhook-claim-prelude
return claim(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), {})
