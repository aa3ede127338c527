-- Workers are about to run signatures' tasks. ARGV[3..] = (id, run id) pairs; concurrent starts share one call.
-- Returns one status per pair: 'ok', 'missing', or the status that holds it back (canceled, suspended, interrupted…).
local function one(id, run)
  local k = sk(id)
  local st = redis.call('HGET', k, 'status')
  if not st then return 'missing' end
  if st == 'canceled' or st == 'suspended' or st == 'interrupted' then
    -- Not run now: a resume publishes it again.
    redis.call('HSET', k, 'run', '')
    return st
  end
  if is_final(st) then return st end
  redis.call('HSET', k, 'status', 'active', 'run', run, 'started_at', NOW)
  return 'ok'
end

local r = {}
for i = 3, #ARGV, 2 do
  -- One corrupted signature must not fail the other starts of the batch.
  local fine, res = pcall(one, ARGV[i], ARGV[i + 1])
  if fine then table.insert(r, res) else table.insert(r, 'corrupt:' .. tostring(res and (res.err or res) or 'unknown')) end
end
return r
