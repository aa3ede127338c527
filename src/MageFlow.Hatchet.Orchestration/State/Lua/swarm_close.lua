-- Close a swarm: no more items. ARGV[3] = swarm id. Returns {status, ids to publish...}.
local wid = ARGV[3]
local wk = sk(wid)
if redis.call('EXISTS', wk) == 0 then return reply('missing') end
redis.call('HSET', wk, 'closed', '1')
check_swarm_done(wid)
return reply('ok')
