-- A root task's body ended. ARGV[3] = swarm id, ARGV[4] = '1' returned / '0' failed for good, ARGV[5] = error.
-- Returned: close the swarm (callbacks fire when every child is done, at once if there are none).
-- Failed: close and stop it; error callbacks fire once. Returns {status, ids to publish...}.
local wid = ARGV[3]
local wk = sk(wid)
local st = redis.call('HGET', wk, 'status')
if not st then return reply('missing') end
if not is_final(st) then
  if ARGV[4] == '1' then
    redis.call('HSET', wk, 'closed', '1')
    check_swarm_done(wid)
  else
    stop_swarm(wid, 'root task failed: ' .. ARGV[5])
  end
end
return reply('ok')
