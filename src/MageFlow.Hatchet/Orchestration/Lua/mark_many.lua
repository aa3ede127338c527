-- Record published runs and who tracks them. ARGV[3] = owner, ARGV[4] = TTL (s) of the owner's runs record,
-- then (id, run id, input JSON) triples. The owner's runs hash maps each tracked run to its signature until the
-- run's end is recorded.
local owner = ARGV[3]
local runs = P .. ':owner:' .. owner .. ':runs'
local any = false
for i = 5, #ARGV, 3 do
  local id, run, input = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  redis.call('ZREM', P .. ':publishing', id)
  local k = sk(id)
  -- 'claim' exists on a claimed signature, so writing four new fields means its record is gone (expired):
  -- undo the write instead of leaving a record without TTL. 'owner' lets the worker's report clear the record.
  if redis.call('HSET', k, 'run', run, 'input', input, 'claim', '', 'owner', owner) == 4 then
    redis.call('DEL', k)
  else
    redis.call('HSET', runs, run, id)
    any = true
  end
end
if any then redis.call('EXPIRE', runs, tonumber(ARGV[4])) end
return 1
