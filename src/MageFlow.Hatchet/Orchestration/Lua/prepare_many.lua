-- Claim queued signatures for publishing, in one step. ARGV[3] = owner, ARGV[4] = claim ttl (ms), ARGV[5..] = ids.
-- Returns 10 values per id: status ('ok', 'container', or why not: 'missing' or a publish_status), name,
-- kwargs, rf, inmode, inval, imsg, swarm msg, swarm kwargs, run metadata.
local owner = ARGV[3]
local claim_ttl = tonumber(ARGV[4])
local r = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local k = sk(id)
  local h = redis.call('HMGET', k, 'name', 'kwargs', 'rf', 'inmode', 'inval', 'imsg', 'parent', 'status', 'run', 'claim', 'claim_at', 'kind', 'meta')
  local status = h[8] and publish_status(id, h[8], h[9], h[10], h[11], h[12], owner, claim_ttl) or 'missing'
  -- Only an 'ok' or 'claimed' signature stays queued; a container is started by the caller, in Redis.
  if status ~= 'ok' and status ~= 'claimed' then redis.call('ZREM', P .. ':publishing', id) end
  local wmsg, wkw = '', ''
  if status == 'ok' or status == 'container' then
    if status == 'ok' then redis.call('HSET', k, 'claim', owner, 'claim_at', NOW) end
    wmsg, wkw = swarm_input(h[7])
  end
  table.insert(r, status)
  for j = 1, 6 do table.insert(r, h[j] or '') end -- name, kwargs, rf, inmode, inval, imsg
  table.insert(r, wmsg)
  table.insert(r, wkw)
  table.insert(r, h[13] or '')
end
return r
