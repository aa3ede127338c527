-- Record published runs and who tracks them. ARGV[3] = owner, then (id, run id, input JSON) triples.
local owner = ARGV[3]
local runs = P .. ':owner:' .. owner .. ':runs'
local max_ttl = 0
for i = 4, #ARGV, 3 do
  local id, run, input = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  redis.call('ZREM', P .. ':publishing', id)
  local k = sk(id)
  local ttl = tonumber(redis.call('HGET', k, 'ttl_a') or '0')
  if ttl > 0 then
    redis.call('HSET', k, 'run', run, 'input', input, 'claim', '')
    if ttl > max_ttl then max_ttl = ttl end
    redis.call('SET', P .. ':run:' .. run, id, 'EX', ttl)
    redis.call('SADD', runs, run)
  end
end
if max_ttl > 0 then redis.call('EXPIRE', runs, max_ttl) end
return 1
