-- The engine reported tracked runs finished. ARGV[3] = owner, ARGV[4] = publish claim ttl (ms), then (run id,
-- signature id, '1' ok / '0' failed, result JSON or error text) quads, so that a burst of completions costs one
-- round trip. The tracker knows each run's signature (it published the run, or took it over from the owner's
-- runs record); the record says whether the run is still tracked. What the reports queue for publishing (next
-- swarm items, chain steps, callbacks) is claimed for the owner at once, as prepare_many would.
-- Returns {status of the first run, N, then N times (id + prepare_one's 10 values), then 'error:<id>:<reason>'...}.
local owner = ARGV[3]
local owner_runs = P .. ':owner:' .. owner .. ':runs'

local function one(run, id, ok, value)
  -- A run reported before (a takeover, a duplicated event) is no longer in its owner's record.
  if redis.call('HDEL', owner_runs, run) == 0 then return 'untracked' end
  local k = sk(id)
  local f = read_fields(k, {'run', 'prev'})
  if not f.status then return 'missing' end
  if f.run ~= run then return 'stale' end
  -- Held back (a resume republishes it) only if the body never ran; a task suspended while running keeps its outcome.
  if f.status == 'interrupted' or (f.status == 'suspended' and f.prev ~= 'active') then
    redis.call('HSET', k, 'run', '')
    return 'held'
  end
  if not finish(id, ok == '1', value, f) then return 'dup' end
  return 'ok'
end

-- Each run is isolated: corrupted state of one flow fails only that flow's report, never the batch.
local errors = {}
local function guarded(run, id, ok, value)
  local fine, res = pcall(one, run, id, ok, value)
  if fine then return res end
  table.insert(errors, 'error:' .. run .. ':' .. tostring(res and (res.err or res) or 'unknown'))
  return 'error'
end

batch_swarms = {}
claimer = {owner = owner, ttl = tonumber(ARGV[4]), entries = {}, index = {}}
local first = guarded(ARGV[5], ARGV[6], ARGV[7], ARGV[8])
for i = 9, #ARGV, 4 do guarded(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) end
flush_swarms(errors)
local r = {first, #claimer.entries}
for _, e in ipairs(claimer.entries) do
  for _, v in ipairs(e) do table.insert(r, v) end
end
for _, e in ipairs(errors) do table.insert(r, e) end
return r
