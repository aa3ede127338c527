-- MageFlow state transitions: shared helpers prepended to every script (docs/redis-schema.md describes the keys).
-- KEYS[1] = the prefix of the slot bucket the script works in, with its hash tag, e.g. "{mageflow:3f}" (or the legacy
-- "{mageflow}"): every key a script touches is built from it, so a call touches one cluster slot. ARGV[1] = the global
-- prefix, e.g. "{mageflow}" (only the finished channel uses it); ARGV[2] = now (ms).
-- Every script is one atomic step; each is safe to repeat (duplicated or reordered reports change nothing).
local P = KEYS[1]
local G = ARGV[1]
local NOW = tonumber(ARGV[2])
local out = {}
-- Engine runs a script wants cancelled (by the caller, through the engine): reply() returns them after '|'.
local cancel_runs = {}

-- Keys. RedisKeys.cs builds the same names for C#.
local function sk(id) return P .. ':sig:' .. id end
local function swk(id, part) return P .. ':swarm:' .. id .. ':' .. part end
local function owner_runs(owner) return P .. ':owner:' .. owner .. ':runs' end
local INFLIGHT = P .. ':inflight'

-- A numeric field of a record: absent or empty gives the default; anything else that is not a number is
-- corrupted state, an error (scripts that handle many flows isolate it to the flow it belongs to).
local function num(v, name, default, id)
  if not v or v == '' then return default end
  local n = tonumber(v)
  if not n then
    error('corrupted state' .. (id and (' of ' .. id) or '') .. ': field ' .. name .. ' is not a number: ' .. tostring(v))
  end
  return n
end
local function is_final(st) return st == 'done' or st == 'failed' or st == 'canceled' end

local function ttl_of(id, field)
  local t = redis.call('HGET', sk(id), field)
  return num(t, field, 86400, id)
end

local function set_ttl(id, field, kind, ttl)
  ttl = ttl or ttl_of(id, field)
  kind = kind or redis.call('HGET', sk(id), 'kind')
  redis.call('EXPIRE', sk(id), ttl)
  if kind == 'swarm' then
    for _, part in ipairs({'queue', 'items', 'results'}) do
      redis.call('EXPIRE', swk(id, part), ttl)
    end
  end
end

local function send_chunked(cmd, key, values, step)
  for i = 1, #values, step do
    redis.call(cmd, key, unpack(values, i, math.min(i + step - 1, #values)))
  end
end

-- A sorted-set index whose writes a script buffers and sends at its end (reply() and the scripts that do not use it
-- call flush_index()): one ZADD and one ZREM per script and index, not one per item. The last write of an id wins.
local function buffered_index(key)
  local ops, order = {}, {}
  local index = {}
  function index.set(id, op, score)
    if not ops[id] then table.insert(order, id) end
    ops[id] = {op, score}
  end
  function index.flush()
    local adds, rems = {}, {}
    for _, id in ipairs(order) do
      local op = ops[id]
      if op[1] == 'add' then
        table.insert(adds, op[2])
        table.insert(adds, id)
      else
        table.insert(rems, id)
      end
    end
    send_chunked('ZADD', key, adds, 2000)
    send_chunked('ZREM', key, rems, 1000)
    ops, order = {}, {}
  end
  return index
end

-- The in-flight index: task signatures queued for publishing (score -queued_at), claimed or published but not yet
-- followed (score claimed_at), until a tracker follows the run or its end is recorded. The sweeper publishes again
-- what stays too long.
local inflight_index = buffered_index(INFLIGHT)
local function index_queue(id) inflight_index.set(id, 'add', -NOW) end
local function index_claim(id) inflight_index.set(id, 'add', NOW) end
local function index_remove(id) inflight_index.set(id, 'rem') end

-- The running index: task signatures whose run a worker started (start_many) and whose end is not recorded yet
-- (score started_at). Nothing acts on it in the normal course; it is what the reconciler compares with the engine's
-- record when Redis may have lost writes (a restart without fsync, a failover to a lagging replica).
local RUNNING = P .. ':running'
local running_index = buffered_index(RUNNING)
local function running_add(id) running_index.set(id, 'add', NOW) end
local function running_remove(id) running_index.set(id, 'rem') end

local function flush_index()
  inflight_index.flush()
  running_index.flush()
end

-- The flows index, which the viewer lists: top-level flows (a signature started on its own, or a plain run of a root
-- task) by start time, and the set of those not final yet. Both keys expire once their flows could have: while any
-- flow lives they keep its active + done TTL; when the last one ends, the done TTL of that flow, so that finished
-- flows leave Redis clean. The viewer skips (and removes) entries whose signature has expired.
local FLOWS = P .. ':flows'
local FLOWS_LIVE = P .. ':flows:live'
local FLOWS_KEPT = 100000
local function flow_started(id, ttl_a, ttl_d, also_live)
  local ttl = ttl_a + ttl_d
  redis.call('ZADD', FLOWS, 'NX', NOW, id)
  redis.call('SADD', FLOWS_LIVE, id)
  if also_live then redis.call('SADD', FLOWS_LIVE, also_live) end
  for _, key in ipairs({FLOWS, FLOWS_LIVE}) do
    redis.call('EXPIRE', key, ttl, 'NX')
    redis.call('EXPIRE', key, ttl, 'GT')
  end
  redis.call('ZREMRANGEBYRANK', FLOWS, 0, -(FLOWS_KEPT + 1))
end
local function flow_ended(id, ttl_d)
  if redis.call('SREM', FLOWS_LIVE, id) == 0 then return end
  if redis.call('SCARD', FLOWS_LIVE) == 0 and redis.call('EXISTS', FLOWS) == 1 then redis.call('EXPIRE', FLOWS, ttl_d) end
end

-- Every script returns through here: {status, ids queued for publishing..., '|', runs to cancel...}, after
-- flushing buffered writes.
local function reply(status)
  flush_index()
  local r = {status}
  for _, v in ipairs(out) do table.insert(r, v) end
  table.insert(r, '|')
  for _, v in ipairs(cancel_runs) do table.insert(r, v) end
  return r
end

-- The message and kwargs of a parent swarm (''s for other parents), cached for the script.
local parent_swarms = {}
local function swarm_input(parent)
  if not parent or parent == '' then return '', '' end
  local w = parent_swarms[parent]
  if not w then
    w = redis.call('HMGET', sk(parent), 'kind', 'msg', 'kwargs')
    parent_swarms[parent] = w
  end
  if w[1] == 'swarm' then return w[2] or '', w[3] or '' end
  return '', ''
end

-- Whether a queued signature (status st, not missing) can be published now: 'ok'; 'published' (it has a run),
-- 'held' (final, suspended or interrupted), 'claimed' (someone claimed it less than claim_ttl ago: its in-flight
-- score is the claim time), or 'container' (a chain or swarm: started in Redis, not in the engine).
local function publish_status(st, run, score, kind, claim_ttl)
  if run and run ~= '' then return 'published' end
  if is_final(st) or st == 'suspended' or st == 'interrupted' then return 'held' end
  if score and score > 0 and NOW - score < claim_ttl then return 'claimed' end
  if kind ~= 'task' then return 'container' end
  return 'ok'
end

-- How a queued signature's input is built: a swarm item always from the swarm's message and its own parts, so
-- its mode is not stored; other signatures store it when they are queued.
local function input_mode(inmode, pkind)
  if (not inmode or inmode == '') and pkind == 'swarm' then return 'swarm' end
  return inmode or ''
end

-- A publish entry: what the publisher needs to start a signature's run, ENTRY_WIDTH values in the order
-- PublishEntry.cs reads them: id, status, name, kwargs, rf, input mode, input value, item message, swarm message,
-- swarm kwargs, run metadata, trigger options, run id (set only for an adopted run).
local ENTRY_FIELDS = {'name', 'kwargs', 'rf', 'inmode', 'inval', 'imsg', 'parent', 'pkind', 'meta', 'topts'}
local function entry(id, status, h, mode, value, run)
  local wmsg, wkw = swarm_input(h[7])
  return {id, status, h[1] or '', h[2] or '', h[3] or '', mode, value, h[6] or '', wmsg, wkw, h[9] or '', h[10] or '', run or ''}
end

-- Set by scripts that hand what they queue straight to their caller's publisher (on_finished): queued signatures
-- are claimed in the same step, as prepare_many would, and collected as entries.
local claimer = nil

-- The claims of a claiming step (on_finished, prepare_many), kept for the claim ttl under the caller's request id
-- (rid): the caller retries a step whose reply it lost (a timeout, a dropped connection) with the same rid, and gets
-- the claims that step made back, instead of finding them claimed by nobody it knows (they would wait for the
-- sweeper, a claim ttl later).
local function remember_claims(rid, entries, ttl)
  if rid == '' or #entries == 0 then return end
  local ids = {}
  for _, e in ipairs(entries) do table.insert(ids, e[1]) end
  redis.call('SET', P .. ':reply:' .. rid, table.concat(ids, ','), 'PX', ttl)
end
local function remembered_claims(rid)
  if rid == '' then return nil end
  local v = redis.call('GET', P .. ':reply:' .. rid)
  if not v then return nil end
  local ids = {}
  for id in string.gmatch(v, '[^,]+') do ids[id] = true end
  return ids
end

local function claim_now(id, mode, value)
  local c = claimer
  local k = sk(id)
  value = value or ''
  local e = c.index[id]
  if e then
    -- Queued twice in one step: the later input wins, as it would in the index.
    e[6], e[7] = mode, value
    redis.call('HSET', k, 'inmode', mode, 'inval', value)
    return
  end
  local fields = {unpack(ENTRY_FIELDS)}
  table.insert(fields, 'status')
  table.insert(fields, 'run')
  table.insert(fields, 'kind')
  local h = redis.call('HMGET', k, unpack(fields))
  local st = h[11]
  if not st or is_final(st) then return end
  -- Whoever queues a signature claims it first: it has no in-flight score yet.
  local status = publish_status(st, h[12], nil, h[13], c.ttl)
  if mode ~= 'swarm' then redis.call('HSET', k, 'inmode', mode, 'inval', value) end
  if status == 'ok' then index_claim(id) end
  if status ~= 'ok' and status ~= 'container' then return end
  e = entry(id, status, h, mode, value)
  c.index[id] = e
  table.insert(c.entries, e)
end

-- Queue a signature for publishing: the publisher computes its input from (mode, value).
local function qpub(id, mode, value)
  if claimer then return claim_now(id, mode, value) end
  local k = sk(id)
  local st = redis.call('HGET', k, 'status')
  if not st or is_final(st) then return end
  if mode ~= 'swarm' then redis.call('HSET', k, 'inmode', mode, 'inval', value or '') end
  index_queue(id)
  table.insert(out, id)
end

-- A canceled signature never runs, and neither do its callbacks: they are canceled with it, so that they expire soon.
local function cancel_sig(id)
  local k = sk(id)
  local h = redis.call('HMGET', k, 'status', 'kind', 'succ', 'err', 'parent', 'ttl_d')
  if not h[1] or is_final(h[1]) then return end
  redis.call('HSET', k, 'status', 'canceled', 'finished_at', NOW)
  if h[2] == 'task' then
    index_remove(id)
    running_remove(id)
  end
  local ttl_d = num(h[6], 'ttl_d', 300, id)
  set_ttl(id, 'ttl_d', h[2], ttl_d)
  if not h[5] or h[5] == '' then flow_ended(id, ttl_d) end
  for _, callbacks in ipairs({h[3] or '', h[4] or ''}) do
    for cb in string.gmatch(callbacks, '[^,]+') do cancel_sig(cb) end
  end
end

local item_done
local stop_swarm

-- The fields finish() needs, read in one HMGET; callers that read a signature anyway pass them in (extra names
-- are read too), so that ending a run reads its record once.
local FINISH_FIELDS = {'status', 'succ', 'err', 'parent', 'ttl_d', 'kind', 'input', 'root_swarm', 'pkind', 'cancelling'}

local function read_fields(k, extra)
  local names = {unpack(FINISH_FIELDS)}
  for _, n in ipairs(extra or {}) do table.insert(names, n) end
  local v = redis.call('HMGET', k, unpack(names))
  local f = {}
  for i, n in ipairs(names) do f[n] = v[i] end
  return f
end

-- A signature reaches its final status: done (ok) or failed, or canceled when its container had asked the engine
-- to cancel its run. Error callbacks receive the original message, or failure_msg when the caller built one.
local function finish(id, ok, value, f, failure_msg)
  local k = sk(id)
  f = f or read_fields(k)
  if not f.status or is_final(f.status) then return false end
  local canceled = (not ok) and f.cancelling == '1'
  local fire = ok and f.succ or f.err
  local other = ok and f.err or f.succ
  if ok then
    redis.call('HSET', k, 'status', 'done', 'result', value, 'finished_at', NOW)
  else
    redis.call('HSET', k, 'status', canceled and 'canceled' or 'failed', 'error', value, 'finished_at', NOW)
  end
  if f.kind == 'task' then
    index_remove(id)
    running_remove(id)
  end
  if canceled then fire, other = nil, (f.succ or '') .. ',' .. (f.err or '') end
  if fire and fire ~= '' then
    for cb in string.gmatch(fire, '[^,]+') do
      if ok then qpub(cb, 'result', value) else qpub(cb, 'msg', failure_msg or f.input or '{}') end
    end
  end
  -- The other branch never fires: cancel it so it expires with this signature (unless it also fires).
  if other and other ~= '' then
    local fired = ',' .. (fire or '') .. ','
    for cb in string.gmatch(other, '[^,]+') do
      if not string.find(fired, ',' .. cb .. ',', 1, true) then cancel_sig(cb) end
    end
  end
  local ttl_d = num(f.ttl_d, 'ttl_d', 300, id)
  set_ttl(id, 'ttl_d', f.kind, ttl_d)
  -- A root task's run failed for good (even one whose body never reported back, e.g. timed out): stop its root swarm.
  if (not ok) and f.root_swarm and f.root_swarm ~= '' then
    local rs = redis.call('HGET', sk(f.root_swarm), 'status')
    -- The reason keeps the error's first line ("Type: message"), as a worker's own report of the failure does.
    if rs and not is_final(rs) then stop_swarm(f.root_swarm, 'root task failed: ' .. (string.match(value, '^[^\n]*') or value)) end
  end
  if f.parent and f.parent ~= '' then
    item_done(f.parent, id, ok, value, f.pkind, canceled)
  else
    -- Only top-level signatures are usually awaited; contained ones are polled if someone waits on them.
    flow_ended(id, ttl_d)
    redis.call('PUBLISH', G .. ':finished', id)
  end
  return true
end

-- Scripts that end many items at once (on_finished) set batch_swarms (below) and batch_remaining: how many reports
-- of the batch are still to come. Each item end frees at most one slot, so a swarm's first refill in the batch pops
-- what every later refill could need in one LPOP, and hands it out one end at a time (the order of events is the
-- same as one report at a time); flush_swarms() puts back what was not needed.
local batch_swarms = nil
local batch_order = {}
local batch_remaining = 0
local prefetched = {}

local function pop_queue(wid, room)
  if not batch_swarms then return redis.call('LPOP', swk(wid, 'queue'), room) end
  local b = prefetched[wid]
  if not b then
    b = {ids = redis.call('LPOP', swk(wid, 'queue'), room + batch_remaining) or {}, pos = 1}
    prefetched[wid] = b
  end
  local got = {}
  while #got < room and b.pos <= #b.ids do
    table.insert(got, b.ids[b.pos])
    b.pos = b.pos + 1
  end
  -- A nested swarm's end frees a slot too, which the estimate does not count: take the rest from the queue.
  if #got < room then
    local more = redis.call('LPOP', swk(wid, 'queue'), room - #got)
    if more then for _, id in ipairs(more) do table.insert(got, id) end end
  end
  if #got == 0 then return nil end
  return got
end

-- What a swarm's prefetch did not hand out, in queue order; the prefetch is forgotten.
local function take_prefetched(wid)
  local b = prefetched[wid]
  if not b then return {} end
  prefetched[wid] = nil
  local rest = {}
  for i = b.pos, #b.ids do table.insert(rest, b.ids[i]) end
  return rest
end

local function put_back_prefetched()
  for wid, _ in pairs(prefetched) do
    local rest = take_prefetched(wid)
    if #rest > 0 then
      local reversed = {}
      for i = #rest, 1, -1 do table.insert(reversed, rest[i]) end
      send_chunked('LPUSH', swk(wid, 'queue'), reversed, 1000)
    end
  end
end

-- Start queued items while there is room. Returns the new running count; it is stored unless the caller
-- stores it itself (defer), together with other counters, in one write.
local function fill(wid, h, defer)
  local wk = sk(wid)
  h = h or redis.call('HMGET', wk, 'started', 'status', 'running', 'maxc')
  local running = num(h[3], 'running', 0, wid)
  if h[1] ~= '1' or h[2] ~= 'pending' and h[2] ~= 'active' then return running end
  local maxc = num(h[4], 'maxc', 30, wid)
  local room = maxc - running
  if room <= 0 then return running end
  local started = running
  local next_ids = pop_queue(wid, room)
  if next_ids then
    for _, nid in ipairs(next_ids) do
      running = running + 1
      qpub(nid, 'swarm', '')
    end
  end
  if running ~= started and not defer then redis.call('HSET', wk, 'running', running) end
  return running
end

local function swarm_results(wid)
  local items = redis.call('LRANGE', swk(wid, 'items'), 0, -1)
  local parts = {}
  local chunk = 1000
  for i = 1, #items, chunk do
    local got = redis.call('HMGET', swk(wid, 'results'), unpack(items, i, math.min(i + chunk - 1, #items)))
    for _, r in ipairs(got) do
      if r then table.insert(parts, r) end
    end
  end
  return '[' .. table.concat(parts, ',') .. ']'
end

-- The message a failed swarm's error callbacks receive: its own message, plus mageflow_error with the reason and
-- how its items ended.
local function with_error(input, reason, total, nok, nfail, ncanc)
  local err = cjson.encode({error = reason, children = {total = total, done = nok, failed = nfail, canceled = ncanc}})
  local brace = input and string.find(input, '{', 1, true)
  if not brace or string.match(input, '^%s*{%s*}%s*$') then return '{"mageflow_error":' .. err .. '}' end
  return '{"mageflow_error":' .. err .. ',' .. string.sub(input, brace + 1)
end

-- A stopping swarm whose last running item ended fails now: its error callbacks fire once, after every item.
local function fail_drained(wid)
  local h = redis.call('HMGET', sk(wid), 'failing', 'total', 'nok', 'nfail', 'ncanc', 'input')
  local total, nok, nfail, ncanc = num(h[2], 'total', 0, wid), num(h[3], 'nok', 0, wid), num(h[4], 'nfail', 0, wid), num(h[5], 'ncanc', 0, wid)
  finish(wid, false, h[1], nil, with_error(h[6], h[1], total, nok, nfail, ncanc))
end

-- Counters of a swarm, by name: s.closed, s.total, s.nok, s.nfail, s.ncanc, s.status, s.started, s.running, s.failing.
local function check_swarm_done(wid, s)
  if not s then
    local h = redis.call('HMGET', sk(wid), 'closed', 'total', 'nok', 'nfail', 'status', 'started', 'ncanc', 'running', 'failing')
    s = {closed = h[1], total = h[2], nok = h[3], nfail = h[4], status = h[5], started = h[6], ncanc = h[7], running = h[8], failing = h[9]}
  end
  if is_final(s.status) or s.started ~= '1' then return end
  if s.failing and s.failing ~= '' then
    if num(s.running, 'running', 0, wid) <= 0 then fail_drained(wid) end
    return
  end
  local ended = num(s.nok, 'nok', 0, wid) + num(s.nfail, 'nfail', 0, wid) + num(s.ncanc, 'ncanc', 0, wid)
  if s.closed == '1' and ended >= num(s.total, 'total', 0, wid) then
    finish(wid, true, swarm_results(wid))
  end
end

-- Stops the items of a stopping swarm that are still running: tasks whose run started are cancelled through the
-- engine (their end is then recorded as canceled); those not started yet, and chains and swarms, are canceled now.
-- Returns how many ended now.
local cancel_tree
local function cancel_running_items(wid)
  local ended = 0
  for _, item in ipairs(redis.call('LRANGE', swk(wid, 'items'), 0, -1)) do
    local h = redis.call('HMGET', sk(item), 'status', 'run', 'kind')
    if h[1] and not is_final(h[1]) then
      if h[3] == 'task' and h[2] and h[2] ~= '' then
        redis.call('HSET', sk(item), 'cancelling', '1')
        table.insert(cancel_runs, h[2])
      else
        cancel_tree(item)
        ended = ended + 1
      end
    end
  end
  return ended
end

-- Stop a swarm for good: queued items are canceled, and error callbacks fire once. onstop decides what happens to
-- running items and when the callbacks fire: '' (an explicit swarm, as Python MageFlow) at once while running items
-- finish on their own; 'drain' (a root task's default) once every running item has finished; 'cancel' once every
-- running item has been cancelled through the engine.
stop_swarm = function(wid, reason)
  -- Stopping already (the root's body failed, then its run's failure is recorded): the first reason stands.
  local stopping = redis.call('HGET', sk(wid), 'failing')
  if stopping and stopping ~= '' then return end
  local canceled = 0
  for _, qid in ipairs(take_prefetched(wid)) do cancel_sig(qid); canceled = canceled + 1 end
  local queued = redis.call('LRANGE', swk(wid, 'queue'), 0, -1)
  for _, qid in ipairs(queued) do cancel_sig(qid); canceled = canceled + 1 end
  redis.call('DEL', swk(wid, 'queue'))
  local h = redis.call('HMGET', sk(wid), 'onstop', 'ncanc', 'running')
  if not h[1] or h[1] == '' then
    redis.call('HSET', sk(wid), 'closed', '1')
    finish(wid, false, reason)
    return
  end
  local running = num(h[3], 'running', 0, wid)
  if h[1] == 'cancel' then
    local ended = cancel_running_items(wid)
    running = running - ended
    canceled = canceled + ended
  end
  redis.call('HSET', sk(wid), 'closed', '1', 'failing', reason, 'ncanc', num(h[2], 'ncanc', 0, wid) + canceled, 'running', running)
  if running <= 0 then fail_drained(wid) end
end

local function chain_item_done(cid, id, ok, value)
  local ck = sk(cid)
  if is_final(redis.call('HGET', ck, 'status')) then return end
  local list = {}
  for t in string.gmatch(redis.call('HGET', ck, 'tasks') or '', '[^,]+') do table.insert(list, t) end
  local idx = num(redis.call('HGET', ck, 'idx'), 'idx', 0, cid)
  if list[idx + 1] ~= id then return end
  if ok then
    if idx + 1 < #list then
      redis.call('HSET', ck, 'idx', idx + 1)
      qpub(list[idx + 2], 'result', value)
    else
      finish(cid, true, value)
    end
  else
    for j = idx + 2, #list do cancel_sig(list[j]) end
    finish(cid, false, value)
  end
end

-- In a batch (on_finished), a swarm's counters are read at its first item end and kept in batch_swarms, with the
-- results of its items; each item end still refills its slot at once (so the order of events is the same as one
-- report at a time), and the counters and results are written, and the swarm checked for its end, once, by
-- flush_swarms(). Every other script writes through.

local function write_results(wid, s)
  if #s.results == 0 then return end
  send_chunked('HSET', swk(wid, 'results'), s.results, 2000)
  if s.fresh_results then redis.call('EXPIRE', swk(wid, 'results'), s.ttl) end
  s.results = {}
  s.fresh_results = false
end

local function settle(wid, s)
  write_results(wid, s)
  redis.call('HSET', sk(wid), 'running', s.running, 'nok', s.nok, 'nfail', s.nfail, 'ncanc', s.ncanc)
  check_swarm_done(wid, s)
end

-- Inside a batch (on_finished) a swarm's counters are written once, when the batch is flushed; otherwise now.
local function settle_now_or_with_batch(wid, s)
  if batch_swarms then
    if not batch_swarms[wid] then
      batch_swarms[wid] = s
      table.insert(batch_order, wid)
    end
    return
  end
  settle(wid, s)
end

-- An item's end is counted once: finish() only calls this on the item's own transition to a final status.
local function swarm_item_done(wid, id, ok, value, canceled)
  local wk = sk(wid)
  local s = batch_swarms and batch_swarms[wid]
  if not s then
    local h = redis.call('HMGET', wk, 'status', 'running', 'nok', 'nfail', 'stopn', 'ttl_a', 'started', 'maxc', 'closed', 'total', 'ncanc', 'failing')
    if not h[1] then return end
    s = {
      status = h[1], running = num(h[2], 'running', 1, wid), nok = num(h[3], 'nok', 0, wid), nfail = num(h[4], 'nfail', 0, wid),
      stopn = num(h[5], 'stopn', 0, wid), ttl = num(h[6], 'ttl_a', 86400, wid),
      started = h[7], maxc = h[8], closed = h[9], total = h[10], ncanc = num(h[11], 'ncanc', 0, wid), failing = h[12] or '',
      results = {},
    }
    s.fresh_results = s.nok == 0
  end
  s.running = s.running - 1
  if ok then
    s.nok = s.nok + 1
    table.insert(s.results, id)
    table.insert(s.results, value)
  elseif canceled then
    s.ncanc = s.ncanc + 1
  else
    s.nfail = s.nfail + 1
  end
  -- A stopping swarm starts nothing more; it fails once its last running item has ended.
  if s.failing ~= '' and not is_final(s.status) then
    settle_now_or_with_batch(wid, s)
    return
  end
  if is_final(s.status) or ((not ok) and (not canceled) and s.stopn > 0 and s.nfail >= s.stopn) then
    if batch_swarms then batch_swarms[wid] = nil end
    write_results(wid, s)
    redis.call('HSET', wk, 'running', s.running, 'nok', s.nok, 'nfail', s.nfail, 'ncanc', s.ncanc)
    if is_final(s.status) then
      -- A late item of a stopped swarm: what it just wrote must expire with the swarm, not live for the active TTL.
      set_ttl(wid, 'ttl_d', 'swarm')
    else
      stop_swarm(wid, 'swarm stopped after ' .. s.nfail .. ' failure(s)')
    end
    return
  end
  s.running = fill(wid, {s.started, s.status, s.running, s.maxc}, true)
  settle_now_or_with_batch(wid, s)
end

-- Settles every swarm a batch touched; a swarm that ends may end its own container's swarm, which is settled too.
-- Each swarm is isolated: an error (corrupted state) is returned in errors as 'error:<swarm id>:<reason>'.
local function flush_swarms(errors)
  put_back_prefetched()
  while #batch_order > 0 do
    local wid = table.remove(batch_order, 1)
    local s = batch_swarms[wid]
    if s then
      batch_swarms[wid] = nil
      local fine, res = pcall(settle, wid, s)
      if not fine then table.insert(errors, 'error:' .. wid .. ':' .. tostring(res and (res.err or res) or 'unknown')) end
    end
  end
end

-- pkind: the container's kind as recorded on the item when it joined (saves a read); older records lack it.

item_done = function(parent, id, ok, value, pkind, canceled)
  local kind = (pkind and pkind ~= '') and pkind or redis.call('HGET', sk(parent), 'kind')
  if kind == 'chain' then chain_item_done(parent, id, ok, value)
  elseif kind == 'swarm' then swarm_item_done(parent, id, ok, value, canceled) end
end

-- The items of a chain or swarm.
local function children_of(id, kind)
  if kind == 'chain' then
    local list = {}
    for t in string.gmatch(redis.call('HGET', sk(id), 'tasks') or '', '[^,]+') do table.insert(list, t) end
    return list
  elseif kind == 'swarm' then
    return redis.call('LRANGE', swk(id, 'items'), 0, -1)
  end
  return {}
end

-- Cancels a signature and everything it contains; a root task's flow goes with its signature. Running task runs
-- are cancelled through the engine (cancel_runs).
cancel_tree = function(id)
  local h = redis.call('HMGET', sk(id), 'status', 'run', 'kind', 'root_swarm')
  if not h[1] then return end
  if h[4] and h[4] ~= '' then cancel_tree(h[4]) end
  if is_final(h[1]) then return end
  if h[3] == 'task' and h[2] and h[2] ~= '' then table.insert(cancel_runs, h[2]) end
  cancel_sig(id)
  for _, c in ipairs(children_of(id, h[3])) do cancel_tree(c) end
end
