-- Workers are about to run signatures' tasks. ARGV[3..] = (id, run id, workflow name, input JSON) quads; concurrent
-- starts share one call. Returns one status per quad: 'ok'; 'missing'; the status that holds it back (canceled,
-- suspended, interrupted) or a final one; 'duplicate' (the signature runs as another run of the same workflow: a
-- second publish after a stalled one); 'foreign' (the run only inherited the signature's id from a parent task of
-- another workflow: it is not this signature's run); or 'corrupt:<reason>'.
local function one(id, run, workflow, input)
  local k = sk(id)
  local h = redis.call('HMGET', k, 'status', 'run', 'name')
  local st = h[1]
  if not st then return 'missing' end
  if h[2] and h[2] ~= '' and h[2] ~= run then
    return h[3] == workflow and 'duplicate' or 'foreign'
  end
  if h[3] ~= workflow then return 'foreign' end
  if st == 'canceled' or st == 'suspended' or st == 'interrupted' then
    -- Not run now: a resume publishes it again.
    redis.call('HSET', k, 'run', '')
    return st
  end
  if is_final(st) then return st end
  redis.call('HSET', k, 'status', 'active', 'run', run, 'started_at', NOW, 'input', input)
  running_add(id)
  return 'ok'
end

local r = {}
for i = 3, #ARGV, 4 do
  -- One corrupted signature must not fail the other starts of the batch.
  local fine, res = pcall(one, ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
  if fine then table.insert(r, res) else table.insert(r, 'corrupt:' .. tostring(res and (res.err or res) or 'unknown')) end
end
flush_index()
return r
