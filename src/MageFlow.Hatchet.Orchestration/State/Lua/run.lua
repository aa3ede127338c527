-- Start a signature with a message. ARGV[3] = id, ARGV[4] = message JSON,
-- ARGV[5] = '1' when a container (chain or swarm) is started as an item of another container.
-- Returns {status, ids to publish...}.
local id = ARGV[3]
local msg = ARGV[4]
local k = sk(id)
if redis.call('EXISTS', k) == 0 then return reply('missing') end
local h = redis.call('HMGET', k, 'kind', 'status', 'parent', 'started', 'maxc')
-- Already started (possibly finished): a replayed run (a retried task body) is a no-op, not an error.
if h[4] == '1' then return reply('started') end
if is_final(h[2]) then return reply('final:' .. h[2]) end
if h[3] and h[3] ~= '' and ARGV[5] ~= '1' then return reply('contained:' .. h[3]) end
-- Validate before writing: a script that fails half-way keeps what it wrote.
if h[1] == 'swarm' then num(h[5], 'maxc', 30, id) end
redis.call('HSET', k, 'started', '1', 'input', msg)
if h[1] ~= 'task' then redis.call('HSET', k, 'started_at', NOW) end
if not h[3] or h[3] == '' then flow_started(id, ttl_of(id, 'ttl_a'), ttl_of(id, 'ttl_d')) end
if h[1] == 'task' then
  qpub(id, 'msg', msg)
elseif h[1] == 'chain' then
  redis.call('HSET', k, 'status', 'active')
  local first = string.match(redis.call('HGET', k, 'tasks') or '', '[^,]+')
  qpub(first, 'msg', msg)
elseif h[1] == 'swarm' then
  redis.call('HSET', k, 'status', 'active', 'msg', msg)
  fill(id)
  check_swarm_done(id)
end
return reply('ok')
