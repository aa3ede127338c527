-- Claim queued signatures for publishing, in one step. ARGV[3] = owner, ARGV[4] = claim ttl (ms), ARGV[5..] = ids.
-- Returns 10 values per id: status ('ok', 'container', or why not), name, kwargs, rf, inmode, inval, imsg,
-- swarm msg, swarm kwargs, run metadata.
local owner = ARGV[3]
local claim_ttl = tonumber(ARGV[4])
local r = {}
local swarms = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local k = sk(id)
  local h = redis.call('HMGET', k, 'name', 'kwargs', 'rf', 'inmode', 'inval', 'imsg', 'parent', 'status', 'run', 'claim', 'claim_at', 'kind', 'meta')
  local status = 'ok'
  if not h[8] then
    redis.call('ZREM', P .. ':publishing', id)
    status = 'missing'
  elseif h[9] and h[9] ~= '' then
    redis.call('ZREM', P .. ':publishing', id)
    status = 'published'
  elseif is_final(h[8]) or h[8] == 'suspended' or h[8] == 'interrupted' then
    redis.call('ZREM', P .. ':publishing', id)
    status = 'held'
  elseif h[10] and h[10] ~= '' and h[10] ~= owner and NOW - tonumber(h[11] or '0') < claim_ttl then
    status = 'claimed'
  elseif h[12] ~= 'task' then
    -- A chain or swarm inside a container is started in Redis, not in the engine.
    redis.call('ZREM', P .. ':publishing', id)
    status = 'container'
  end
  local wmsg, wkw = '', ''
  if status == 'ok' or status == 'container' then
    if status == 'ok' then redis.call('HSET', k, 'claim', owner, 'claim_at', NOW) end
    if h[7] and h[7] ~= '' then
      local w = swarms[h[7]]
      if not w then
        w = redis.call('HMGET', sk(h[7]), 'kind', 'msg', 'kwargs')
        swarms[h[7]] = w
      end
      if w[1] == 'swarm' then wmsg, wkw = w[2] or '', w[3] or '' end
    end
  end
  table.insert(r, status)
  table.insert(r, h[1] or '')
  table.insert(r, h[2] or '')
  table.insert(r, h[3] or '')
  table.insert(r, h[4] or '')
  table.insert(r, h[5] or '')
  table.insert(r, h[6] or '')
  table.insert(r, wmsg)
  table.insert(r, wkw)
  table.insert(r, h[13] or '')
end
return r
