-- Takeover of dead owners' runs in one slot bucket. ARGV[3] = me, ARGV[4..] = dead owners (the caller renewed my lease
-- and listed them from the global lease set; it removes them there once every bucket is done). Moves every run a dead
-- owner tracked in this bucket to me (and the signatures' owner field with them). Returns (run id, signature id) pairs
-- taken over. Safe to repeat: a dead owner's record is gone once taken over.
local me = ARGV[3]
local taken = {}
for i = 4, #ARGV do
  local owner = ARGV[i]
  local runs = redis.call('HGETALL', owner_runs(owner))
  for j = 1, #runs, 2 do
    redis.call('HSET', owner_runs(me), runs[j], runs[j + 1])
    -- The signature names its new owner: a worker that reports the run's end removes it from this owner's record,
    -- not from the dead one's (gone), which would leave the entry here for a day.
    local k = sk(runs[j + 1])
    if redis.call('HGET', k, 'owner') == owner then redis.call('HSET', k, 'owner', me) end
    table.insert(taken, runs[j])
    table.insert(taken, runs[j + 1])
  end
  redis.call('DEL', owner_runs(owner))
end
if #taken > 0 then redis.call('EXPIRE', owner_runs(me), 86400) end
return taken
