-- Claim queued signatures for publishing, in one step. ARGV[3] = claim ttl (ms); ARGV[4] = owner adopting runs
-- ('' unless the sweeper calls: then a signature whose run started but that nobody follows is adopted: recorded
-- in that owner's runs, to be followed through the engine's events); ARGV[5] = request id (see remember_claims);
-- ARGV[6..] = ids.
-- Returns one entry per id (see entry() in common.lua); status 'ok', 'container', 'adopted', or why not:
-- 'missing' or a publish_status.
local claim_ttl = tonumber(ARGV[3])
local adopter = ARGV[4]
local rid = ARGV[5]
local mine = remembered_claims(rid) or {}
local claimed = {}
local fields = {unpack(ENTRY_FIELDS)}
for _, f in ipairs({'status', 'run', 'kind'}) do table.insert(fields, f) end
local r = {}
for i = 6, #ARGV do
  local id = ARGV[i]
  local k = sk(id)
  local h = redis.call('HMGET', k, unpack(fields))
  local status = 'missing'
  if h[11] then
    status = publish_status(h[11], h[12], tonumber(redis.call('ZSCORE', INFLIGHT, id)), h[13], claim_ttl)
    -- Claimed by this very request before its reply was lost: still ours.
    if status == 'claimed' and mine[id] then status = 'ok' end
  end
  if status == 'ok' then
    index_claim(id)
    table.insert(claimed, {id})
  elseif status == 'published' then
    -- Started but not followed: its publisher follows it soon, unless the sweeper finds it abandoned.
    if adopter ~= '' and not is_final(h[11]) then
      redis.call('HSET', k, 'owner', adopter, 'followed', '1')
      redis.call('HSET', owner_runs(adopter), h[12], id)
      redis.call('EXPIRE', owner_runs(adopter), 86400)
      index_remove(id)
      status = 'adopted'
    end
    if is_final(h[11]) then index_remove(id) end
  elseif status ~= 'claimed' then
    -- A container starts in Redis (the caller runs it); anything else has nothing to publish.
    index_remove(id)
  end
  for _, v in ipairs(entry(id, status, h, input_mode(h[4], h[8]), h[5] or '', h[12])) do table.insert(r, v) end
end
remember_claims(rid, claimed, claim_ttl)
flush_index()
return r
