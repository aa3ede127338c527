-- Follow published runs through the engine's events. ARGV[3] = owner, ARGV[4] = TTL (s) of the owner's runs record,
-- then (id, run id, input JSON) triples. The owner's runs hash maps each followed run to its signature until the
-- run's end is recorded; the signature leaves the in-flight index (its owner now answers for it).
local owner = ARGV[3]
local runs = owner_runs(owner)
local any = false
for i = 5, #ARGV, 3 do
  local id, run, input = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local k = sk(id)
  -- A record that is gone (expired, removed) is not written again: that would leave a record without TTL; and a run
  -- whose end is already recorded (its worker reported first) needs no follower.
  local st = redis.call('HGET', k, 'status')
  if st and not is_final(st) then
    redis.call('HSET', k, 'run', run, 'input', input, 'owner', owner, 'followed', '1')
    redis.call('HSET', runs, run, id)
    any = true
  end
  index_remove(id)
end
if any then redis.call('EXPIRE', runs, tonumber(ARGV[4])) end
flush_index()
return 1
