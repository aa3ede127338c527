-- Copy-on-link, step 1 (in the bucket a signature lives in): pending signatures are linked into a container or callback
-- list of another bucket, so they move there. ARGV[3] = the target bucket ('' for the legacy one), ARGV[4..] = ids.
-- Each must be pending, not started, in no container, and not moved elsewhere; else nothing is written and the reply
-- is {'owned:<id>:<where>'} or {'missing:<id>'}. Otherwise every one, and everything it references (callbacks, chain
-- steps, swarm items, recursively: a flow's records share its bucket), is marked moved to its new id (the same unique
-- part in the target bucket) and made inert here (no status; a top signature names its new id as container, so a stale
-- handle's run or link is refused), and its fields come back for move_in.lua:
-- {'ok', then per record: old id, new id, '1' top / '0', N, N field/value items, M, M items, Q, Q queued items}.
-- A repeated call (a retried link) finds the marks and returns the same records, so the move is idempotent; the old
-- records expire after their done TTL.
local T = ARGV[3]

-- The id's unique part: what SignatureBucket.cs parses (a '.' and 1 to 4 lower-case hex digits end a bucketed id).
local function unique(id)
  local u, b = string.match(id, '^(.+)%.([0-9a-f]+)$')
  if u and #b <= 4 then return u end
  return id
end
local function moved_id(id)
  if T == '' then return unique(id) end
  return unique(id) .. '.' .. T
end

for i = 4, #ARGV do
  local id = ARGV[i]
  local h = redis.call('HMGET', sk(id), 'status', 'parent', 'moved', 'started')
  if h[3] then
    if h[3] ~= moved_id(id) then return {'owned:' .. id .. ':' .. h[3]} end
  elseif not h[1] then
    return {'missing:' .. id}
  elseif h[2] and h[2] ~= '' then
    return {'owned:' .. id .. ':' .. h[2]}
  elseif h[1] ~= 'pending' or h[4] == '1' then
    return {'owned:' .. id .. ':a flow of its own (' .. h[1] .. ')'}
  end
end

local r = {'ok'}
local seen = {}
local function each_id(list, fn)
  for x in string.gmatch(list or '', '[^,]+') do fn(x) end
end

local function collect(id, top)
  if seen[id] then return end
  seen[id] = true
  local k = sk(id)
  local all = redis.call('HGETALL', k)
  if #all == 0 then return end
  local f = {}
  for j = 1, #all, 2 do f[all[j]] = all[j + 1] end
  local new = moved_id(id)
  local items, queue = {}, {}
  if f.kind == 'swarm' then
    items = redis.call('LRANGE', swk(id, 'items'), 0, -1)
    queue = redis.call('LRANGE', swk(id, 'queue'), 0, -1)
  end
  local status = f.moved and f.mstatus or f.status
  local fields = {}
  for name, value in pairs(f) do
    if name ~= 'moved' and name ~= 'mstatus' and name ~= 'status' and not (top and name == 'parent') then
      table.insert(fields, name)
      table.insert(fields, value)
    end
  end
  table.insert(fields, 'status')
  table.insert(fields, status or 'pending')
  if top then
    table.insert(fields, 'parent')
    table.insert(fields, '')
  end
  table.insert(r, id)
  table.insert(r, new)
  table.insert(r, top and '1' or '0')
  table.insert(r, #fields)
  for _, v in ipairs(fields) do table.insert(r, v) end
  table.insert(r, #items)
  for _, v in ipairs(items) do table.insert(r, v) end
  table.insert(r, #queue)
  for _, v in ipairs(queue) do table.insert(r, v) end
  if not f.moved then
    redis.call('HSET', k, 'moved', new, 'mstatus', f.status or 'pending')
    redis.call('HDEL', k, 'status')
    if top then redis.call('HSET', k, 'parent', new) end
    set_ttl(id, 'ttl_d', f.kind, num(f.ttl_d, 'ttl_d', 300, id))
  end
  each_id(f.succ, function(x) collect(x, false) end)
  each_id(f.err, function(x) collect(x, false) end)
  each_id(f.tasks, function(x) collect(x, false) end)
  for _, x in ipairs(items) do collect(x, false) end
end

for i = 4, #ARGV do collect(ARGV[i], true) end
return r
