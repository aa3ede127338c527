-- Owner lease and takeover. ARGV[3] = me, ARGV[4] = lease deadline (ms): owners silent since before it are dead.
-- Beats for me and moves every run a dead owner tracked to me (and the signatures' owner field with them). Returns (run id, signature id) pairs taken over.
local me = ARGV[3]
redis.call('ZADD', P .. ':owners', NOW, me)
redis.call('EXPIRE', P .. ':owners', 300)
local taken = {}
local dead = redis.call('ZRANGEBYSCORE', P .. ':owners', '-inf', '(' .. ARGV[4])
for _, owner in ipairs(dead) do
  if owner ~= me then
    local runs = redis.call('HGETALL', owner_runs(owner))
    for i = 1, #runs, 2 do
      redis.call('HSET', owner_runs(me), runs[i], runs[i + 1])
      -- The signature names its new owner: a worker that reports the run's end removes it from this owner's record,
      -- not from the dead one's (gone), which would leave the entry here for a day.
      local k = sk(runs[i + 1])
      if redis.call('HGET', k, 'owner') == owner then redis.call('HSET', k, 'owner', me) end
      table.insert(taken, runs[i])
      table.insert(taken, runs[i + 1])
    end
    redis.call('DEL', owner_runs(owner))
    redis.call('ZREM', P .. ':owners', owner)
  end
end
if #taken > 0 then redis.call('EXPIRE', owner_runs(me), 86400) end
return taken
