-- Retry a failed task signature that no container counts (a top-level task or a callback): it goes back to pending
-- and is published again with the input it was queued with. Its success callbacks, canceled when it failed, are
-- pending again, so a success now fires them; error callbacks that already ran are not run again (a signature with
-- a run never publishes twice). A failed item of a chain or swarm, or a root task's signature, is refused: its
-- container already counted the failure. ARGV[3] = id. Returns {status, ids to publish...}.
local id = ARGV[3]
local k = sk(id)
local h = redis.call('HMGET', k, 'status', 'kind', 'parent', 'inmode', 'inval', 'input', 'root_swarm', 'succ', 'ttl_a', 'ttl_d')
if not h[1] then return reply('missing') end
if h[2] ~= 'task' then return reply('not-task:' .. (h[2] or '')) end
if h[1] ~= 'failed' then return reply('not-failed:' .. h[1]) end
if h[3] and h[3] ~= '' then return reply('contained:' .. h[3]) end
if h[7] and h[7] ~= '' then return reply('root:' .. h[7]) end
local mode, value = h[4], h[5]
if not mode or mode == '' then mode, value = 'msg', h[6] or '{}' end
redis.call('HDEL', k, 'error', 'finished_at', 'run', 'followed', 'owner', 'started_at')
redis.call('HSET', k, 'status', 'pending')
local ttl_a = num(h[9], 'ttl_a', 86400, id)
redis.call('EXPIRE', k, ttl_a)
for cb in string.gmatch(h[8] or '', '[^,]+') do
  local ck = sk(cb)
  if redis.call('HGET', ck, 'status') == 'canceled' then
    redis.call('HSET', ck, 'status', 'pending')
    redis.call('HDEL', ck, 'finished_at')
    redis.call('EXPIRE', ck, ttl_of(cb, 'ttl_a'))
  end
end
if redis.call('ZSCORE', FLOWS, id) then flow_started(id, ttl_a, num(h[10], 'ttl_d', 300, id)) end
qpub(id, mode, value)
return reply('ok')
