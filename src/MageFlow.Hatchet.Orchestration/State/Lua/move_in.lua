-- Copy-on-link, step 2 (in the target bucket): creates the copies move_out.lua returned, their references already
-- renamed to the new ids, unless they exist (a retried link). ARGV[3..] = per record: id, N, N field/value items, M,
-- M swarm items, Q, Q queued items. Each copy gets its active TTL. Returns how many were created.
local i = 3
local created = 0
while i <= #ARGV do
  local id = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local fields = {}
  for j = i + 2, i + 1 + n do table.insert(fields, ARGV[j]) end
  i = i + 2 + n
  local m = tonumber(ARGV[i])
  local items = {}
  for j = i + 1, i + m do table.insert(items, ARGV[j]) end
  i = i + 1 + m
  local q = tonumber(ARGV[i])
  local queue = {}
  for j = i + 1, i + q do table.insert(queue, ARGV[j]) end
  i = i + 1 + q
  local k = sk(id)
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, unpack(fields))
    local ttl = ttl_of(id, 'ttl_a')
    redis.call('EXPIRE', k, ttl)
    if #items > 0 then
      send_chunked('RPUSH', swk(id, 'items'), items, 1000)
      redis.call('EXPIRE', swk(id, 'items'), ttl)
    end
    if #queue > 0 then
      send_chunked('RPUSH', swk(id, 'queue'), queue, 1000)
      redis.call('EXPIRE', swk(id, 'queue'), ttl)
    end
    created = created + 1
  end
end
return created
