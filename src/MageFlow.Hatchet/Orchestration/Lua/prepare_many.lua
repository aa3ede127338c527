-- Claim queued signatures for publishing, in one step. ARGV[3] = owner, ARGV[4] = claim ttl (ms), ARGV[5..] = ids.
-- Returns 10 values per id (see prepare_one).
local owner = ARGV[3]
local claim_ttl = tonumber(ARGV[4])
local r = {}
for i = 5, #ARGV do prepare_one(r, ARGV[i], owner, claim_ttl) end
return r
