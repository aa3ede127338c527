-- Create many task signatures in one step. ARGV[3] = '1' when every id is new (random), so that no record can
-- exist yet; ARGV[4] = C, the number of values in the field/value pairs every signature shares (without
-- 'kwargs'; 'ttl_a' sets the key's TTL), ARGV[5 .. 4+C] = those pairs, then (id, kwargs) pairs, one per signature.
-- Derived ids (inside a task body) may exist already: they are left as they are, so a retried body gets its
-- signatures back. Returns the number created.
local fresh = ARGV[3] == '1'
local c = tonumber(ARGV[4])
local fields = {'created_at', NOW, 'kwargs', ''}
local ttl = 86400
for j = 5, 4 + c, 2 do
  table.insert(fields, ARGV[j])
  table.insert(fields, ARGV[j + 1])
  if ARGV[j] == 'ttl_a' then ttl = tonumber(ARGV[j + 1]) end
end
local created = 0
for i = 5 + c, #ARGV, 2 do
  local k = sk(ARGV[i])
  if fresh or redis.call('EXISTS', k) == 0 then
    fields[4] = ARGV[i + 1]
    redis.call('HSET', k, unpack(fields))
    redis.call('EXPIRE', k, ttl)
    created = created + 1
  end
end
return created
