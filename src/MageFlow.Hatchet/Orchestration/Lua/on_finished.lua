-- The engine reported tracked runs finished. ARGV[3] = run id, ARGV[4] = '1' ok / '0' failed,
-- ARGV[5] = result JSON or error text, ARGV[6] = owner; more (run id, ok, value) triples may follow,
-- so that a burst of completions costs one round trip. Returns {status of the first run, ids to publish...}.
local owner_runs = P .. ':owner:' .. ARGV[6] .. ':runs'

local function one(run, ok, value)
  local runKey = P .. ':run:' .. run
  local id = redis.call('GET', runKey)
  redis.call('SREM', owner_runs, run)
  if not id then return 'untracked' end
  redis.call('DEL', runKey)
  local k = sk(id)
  local h = redis.call('HMGET', k, 'status', 'run', 'prev')
  if not h[1] then return 'missing' end
  if h[2] ~= run then return 'stale' end
  -- Held back (a resume republishes it) only if the body never ran; a task suspended while running keeps its outcome.
  if h[1] == 'interrupted' or (h[1] == 'suspended' and h[3] ~= 'active') then
    redis.call('HSET', k, 'run', '')
    return 'held'
  end
  if not finish(id, ok == '1', value) then return 'dup' end
  return 'ok'
end

-- Each run is isolated: corrupted state of one flow fails only that flow's report, never the batch.
local errors = {}
local function guarded(run, ok, value)
  local fine, res = pcall(one, run, ok, value)
  if fine then return res end
  table.insert(errors, 'error:' .. run .. ':' .. tostring(res and (res.err or res) or 'unknown'))
  return 'error'
end

local first = guarded(ARGV[3], ARGV[4], ARGV[5])
for i = 7, #ARGV, 3 do guarded(ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
local r = {first}
for _, v in ipairs(out) do table.insert(r, v) end
for _, e in ipairs(errors) do table.insert(r, e) end
return r
