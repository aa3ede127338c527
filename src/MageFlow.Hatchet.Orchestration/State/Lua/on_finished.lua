-- Runs finished. ARGV[3] = owner, ARGV[4] = publish claim ttl (ms), ARGV[5] = who reports: 'engine' (a tracker saw
-- the engine's run event), 'worker' (the C# worker that ran a signature's task reports its end at once, before
-- any engine event) or 'reconcile' (the reconciler read the end from the engine's record of a run Redis still
-- believes is running: its first report was lost with writes Redis did not keep); ARGV[6] = request id (see
-- remember_claims: a retry of this step gets back what it claimed); then (run id, signature id, '1' ok / '0' failed, result JSON or error text) quads, so that a
-- burst of completions costs one round trip. Both reports may arrive, in either order: the first records the end,
-- the other changes nothing. What the reports queue for publishing (next swarm items, chain steps, callbacks) is
-- claimed at once, as prepare_many would.
-- Returns {status of the first run, N, then N entries (see entry() in common.lua), then 'error:<id>:<reason>' and
-- 'cancel:<run id>' (runs a stopping swarm wants cancelled through the engine)...}.
local owner = ARGV[3]
local from_engine = ARGV[5] ~= 'worker'
local reconciling = ARGV[5] == 'reconcile'

local function one(run, id, ok, value)
  -- An engine report counts only for a run this owner follows, or one still in flight (started, not yet followed);
  -- a run reported before (by its worker, a takeover, a duplicated event) is neither.
  -- The reconciler's report counts for a run in the running index too (its worker's report was lost).
  if from_engine and redis.call('HDEL', owner_runs(owner), run) == 0 and not redis.call('ZSCORE', INFLIGHT, id)
    and not (reconciling and redis.call('ZSCORE', RUNNING, id)) then
    return 'untracked'
  end
  local k = sk(id)
  local f = read_fields(k, {'run', 'prev', 'owner', 'followed'})
  if not f.status then return 'missing' end
  if f.run ~= run then return 'stale' end
  -- The worker reports first: the run's follower no longer needs to report it.
  if not from_engine and f.followed == '1' and f.owner and f.owner ~= '' then
    redis.call('HDEL', owner_runs(f.owner), run)
  end
  -- Held back (a resume republishes it) only if the body never ran; a task suspended while running keeps its outcome.
  if f.status == 'interrupted' or (f.status == 'suspended' and f.prev ~= 'active') then
    redis.call('HSET', k, 'run', '')
    running_remove(id)
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
claimer = {ttl = tonumber(ARGV[4]), entries = {}, index = {}}
local rid = ARGV[6]

-- A retry of a step that ran: its ends are recorded (each is a 'dup' now); what it claimed is handed out again,
-- unless it was published or ended since.
local mine = remembered_claims(rid)
if mine then
  local fields = {unpack(ENTRY_FIELDS)}
  for _, f in ipairs({'status', 'run', 'kind'}) do table.insert(fields, f) end
  for id in pairs(mine) do
    local h = redis.call('HMGET', sk(id), unpack(fields))
    if h[11] and (not h[12] or h[12] == '') and not is_final(h[11]) then
      local status = h[13] == 'task' and 'ok' or 'container'
      table.insert(claimer.entries, entry(id, status, h, input_mode(h[4], h[8]), h[5] or ''))
    end
  end
  local r = {'dup', #claimer.entries}
  for _, e in ipairs(claimer.entries) do
    for _, v in ipairs(e) do table.insert(r, v) end
  end
  return r
end

batch_remaining = (#ARGV - 6) / 4 - 1
local first = guarded(ARGV[7], ARGV[8], ARGV[9], ARGV[10])
for i = 11, #ARGV, 4 do
  batch_remaining = batch_remaining - 1
  guarded(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
end
flush_swarms(errors)
remember_claims(rid, claimer.entries, claimer.ttl)
flush_index()
local r = {first, #claimer.entries}
for _, e in ipairs(claimer.entries) do
  for _, v in ipairs(e) do table.insert(r, v) end
end
for _, e in ipairs(errors) do table.insert(r, e) end
for _, run in ipairs(cancel_runs) do table.insert(r, 'cancel:' .. run) end
return r
