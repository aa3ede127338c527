-- Add items to a swarm. ARGV[3] = swarm id, ARGV[4] = '1' when items that cannot join because the swarm stopped
-- are canceled here (a root body publishing after its root stopped: the body goes on), then (item id, item message
-- or '') pairs from ARGV[5]. Returns {status, ids to publish...}; status 'ok' or why nothing was added.
local wid = ARGV[3]
local wk = sk(wid)
if redis.call('EXISTS', wk) == 0 then return reply('missing') end
local h = redis.call('HMGET', wk, 'kind', 'status', 'closed', 'maxn', 'total')
if h[1] ~= 'swarm' then return reply('notswarm') end
local stopped = h[2] == 'canceled' and 'canceled' or ((is_final(h[2]) or h[3] == '1') and 'closed' or nil)
if stopped then
  if ARGV[4] == '1' then
    for i = 5, #ARGV, 2 do
      local p = redis.call('HGET', sk(ARGV[i]), 'parent')
      if p == '' then cancel_sig(ARGV[i]) end
    end
  end
  return reply(stopped)
end
local maxn = num(h[4], 'maxn', 0, wid)
local total = num(h[5], 'total', 0, wid)
local n = (#ARGV - 4) / 2
if maxn > 0 and total + n > maxn then return reply('full:' .. maxn) end
local ttl = ttl_of(wid, 'ttl_a')
local fresh = {}
local seen = {}
for i = 5, #ARGV, 2 do
  local item = ARGV[i]
  local p = redis.call('HGET', sk(item), 'parent')
  if not p then return reply('missing:' .. item) end
  if p ~= '' and p ~= wid then return reply('owned:' .. item .. ':' .. p) end
  -- An item named twice in one call (a child key used twice in one root run) joins once, as across calls.
  if p == '' and not seen[item] then
    seen[item] = true
    table.insert(fresh, i)
  end
end
local added = {}
for _, i in ipairs(fresh) do
  local item = ARGV[i]
  redis.call('HSET', sk(item), 'parent', wid, 'pkind', 'swarm', 'imsg', ARGV[i + 1])
  table.insert(added, item)
  total = total + 1
end
send_chunked('RPUSH', swk(wid, 'items'), added, 1000)
send_chunked('RPUSH', swk(wid, 'queue'), added, 1000)
redis.call('HSET', wk, 'total', total)
if maxn > 0 and total >= maxn then redis.call('HSET', wk, 'closed', '1') end
redis.call('EXPIRE', swk(wid, 'items'), ttl)
redis.call('EXPIRE', swk(wid, 'queue'), ttl)
fill(wid)
check_swarm_done(wid)
return reply('ok')
