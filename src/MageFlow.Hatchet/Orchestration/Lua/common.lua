-- MageFlow state transitions: shared helpers prepended to every script.
-- ARGV[1] = key prefix with hash tag, e.g. "{mageflow}"; ARGV[2] = now (ms).
-- Every script is one atomic step; each is safe to repeat (duplicated or reordered reports change nothing).
local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local out = {}

local function sk(id) return P .. ':sig:' .. id end
local function swk(id, part) return P .. ':swarm:' .. id .. ':' .. part end
local function is_final(st) return st == 'done' or st == 'failed' or st == 'canceled' end

local function ttl_of(id, field)
  local t = redis.call('HGET', sk(id), field)
  return tonumber(t or '86400') or 86400
end

local function set_ttl(id, field, kind, ttl)
  ttl = ttl or ttl_of(id, field)
  kind = kind or redis.call('HGET', sk(id), 'kind')
  redis.call('EXPIRE', sk(id), ttl)
  if kind == 'swarm' then
    for _, part in ipairs({'queue', 'items', 'finished', 'results'}) do
      redis.call('EXPIRE', swk(id, part), ttl)
    end
  end
end

-- Queue a signature for publishing: the publisher computes its input from (mode, value).
local function qpub(id, mode, value)
  local k = sk(id)
  local st = redis.call('HGET', k, 'status')
  if not st or is_final(st) then return end
  redis.call('HSET', k, 'inmode', mode, 'inval', value or '')
  redis.call('ZADD', P .. ':publishing', NOW, id)
  table.insert(out, id)
end

local function cancel_sig(id)
  local k = sk(id)
  local st = redis.call('HGET', k, 'status')
  if not st or is_final(st) then return end
  redis.call('HSET', k, 'status', 'canceled', 'finished_at', NOW)
  redis.call('ZREM', P .. ':publishing', id)
  set_ttl(id, 'ttl_d')
end

local item_done
local stop_swarm

local function finish(id, ok, value)
  local k = sk(id)
  local h = redis.call('HMGET', k, 'status', ok and 'succ' or 'err', 'parent', 'ttl_d', 'kind', 'input', ok and 'err' or 'succ', 'root_swarm')
  if not h[1] or is_final(h[1]) then return false end
  if ok then
    redis.call('HSET', k, 'status', 'done', 'result', value, 'finished_at', NOW)
  else
    redis.call('HSET', k, 'status', 'failed', 'error', value, 'finished_at', NOW)
  end
  if h[2] and h[2] ~= '' then
    for cb in string.gmatch(h[2], '[^,]+') do
      if ok then qpub(cb, 'result', value) else qpub(cb, 'msg', h[6] or '{}') end
    end
  end
  -- The other branch never fires: cancel it so it expires with this signature (unless it also fires).
  if h[7] and h[7] ~= '' then
    local fired = ',' .. (h[2] or '') .. ','
    for cb in string.gmatch(h[7], '[^,]+') do
      if not string.find(fired, ',' .. cb .. ',', 1, true) then cancel_sig(cb) end
    end
  end
  set_ttl(id, 'ttl_d', h[5], tonumber(h[4] or '300'))
  -- A root task's run failed for good (even one whose body never reported back, e.g. timed out): stop its root swarm.
  if (not ok) and h[8] and h[8] ~= '' then
    local rs = redis.call('HGET', sk(h[8]), 'status')
    if rs and not is_final(rs) then stop_swarm(h[8], 'root task failed: ' .. value) end
  end
  if h[3] and h[3] ~= '' then
    item_done(h[3], id, ok, value)
  else
    -- Only top-level signatures are usually awaited; contained ones are polled if someone waits on them.
    redis.call('PUBLISH', P .. ':finished', id)
  end
  return true
end

-- Start queued items while there is room. Returns the new running count.
local function fill(wid, h)
  local wk = sk(wid)
  h = h or redis.call('HMGET', wk, 'started', 'status', 'running', 'maxc')
  local running = tonumber(h[3]) or 0
  if h[1] ~= '1' or h[2] ~= 'pending' and h[2] ~= 'active' then return running end
  local maxc = tonumber(h[4]) or 30
  local started = running
  while running < maxc do
    local nid = redis.call('LPOP', swk(wid, 'queue'))
    if not nid then break end
    running = running + 1
    qpub(nid, 'swarm', '')
  end
  if running ~= started then redis.call('HSET', wk, 'running', running) end
  return running
end

local function swarm_results(wid)
  local items = redis.call('LRANGE', swk(wid, 'items'), 0, -1)
  local parts = {}
  local chunk = 1000
  for i = 1, #items, chunk do
    local slice = {}
    for j = i, math.min(i + chunk - 1, #items) do table.insert(slice, items[j]) end
    local got = redis.call('HMGET', swk(wid, 'results'), unpack(slice))
    for _, r in ipairs(got) do
      if r then table.insert(parts, r) end
    end
  end
  return '[' .. table.concat(parts, ',') .. ']'
end

local function check_swarm_done(wid, h)
  h = h or redis.call('HMGET', sk(wid), 'closed', 'total', 'nok', 'nfail', 'status', 'started')
  if is_final(h[5]) or h[6] ~= '1' then return end
  if h[1] == '1' and (tonumber(h[3]) or 0) + (tonumber(h[4]) or 0) >= (tonumber(h[2]) or 0) then
    finish(wid, true, swarm_results(wid))
  end
end

-- Stop a swarm for good: queued items are canceled (running ones finish on their own), error callbacks fire.
stop_swarm = function(wid, reason)
  local queued = redis.call('LRANGE', swk(wid, 'queue'), 0, -1)
  for _, qid in ipairs(queued) do cancel_sig(qid) end
  redis.call('DEL', swk(wid, 'queue'))
  redis.call('HSET', sk(wid), 'closed', '1')
  finish(wid, false, reason)
end

local function chain_item_done(cid, id, ok, value)
  local ck = sk(cid)
  if is_final(redis.call('HGET', ck, 'status')) then return end
  local list = {}
  for t in string.gmatch(redis.call('HGET', ck, 'tasks') or '', '[^,]+') do table.insert(list, t) end
  local idx = tonumber(redis.call('HGET', ck, 'idx') or '0')
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

local function swarm_item_done(wid, id, ok, value)
  local wk = sk(wid)
  local h = redis.call('HMGET', wk, 'status', 'running', 'nok', 'nfail', 'stopn', 'ttl_a', 'started', 'maxc', 'closed', 'total')
  if not h[1] then return end
  if redis.call('SADD', swk(wid, 'finished'), id) == 0 then return end
  local ttl = tonumber(h[6] or '86400')
  local running = (tonumber(h[2]) or 1) - 1
  local nok = tonumber(h[3]) or 0
  local nfail = tonumber(h[4]) or 0
  if ok then
    nok = nok + 1
    redis.call('HSET', swk(wid, 'results'), id, value)
    if nok == 1 then redis.call('EXPIRE', swk(wid, 'results'), ttl) end
  else
    nfail = nfail + 1
  end
  if nok + nfail == 1 then redis.call('EXPIRE', swk(wid, 'finished'), ttl) end
  redis.call('HSET', wk, 'running', running, 'nok', nok, 'nfail', nfail)
  if is_final(h[1]) then
    -- A late item of a stopped swarm: what it just wrote must expire with the swarm, not live for the active TTL.
    set_ttl(wid, 'ttl_d', 'swarm')
    return
  end
  local stopn = tonumber(h[5] or '0')
  if (not ok) and stopn > 0 and nfail >= stopn then
    stop_swarm(wid, 'swarm stopped after ' .. nfail .. ' failure(s)')
    return
  end
  fill(wid, {h[7], h[1], running, h[8]})
  check_swarm_done(wid, {h[9], h[10], nok, nfail, h[1], h[7]})
end

item_done = function(parent, id, ok, value)
  local kind = redis.call('HGET', sk(parent), 'kind')
  if kind == 'chain' then chain_item_done(parent, id, ok, value)
  elseif kind == 'swarm' then swarm_item_done(parent, id, ok, value) end
end
