-- Create many task signatures in one step. ARGV[3] = fields per signature (F, field/value pairs counted singly),
-- then blocks of (id, active ttl, F values). Existing ids are left as they are. Returns the number created.
local f = tonumber(ARGV[3])
local created = 0
local i = 4
while i <= #ARGV do
  local id, ttl = ARGV[i], tonumber(ARGV[i + 1])
  local k = sk(id)
  if redis.call('EXISTS', k) == 0 then
    local fields = {'created_at', NOW}
    for j = i + 2, i + 1 + f do table.insert(fields, ARGV[j]) end
    redis.call('HSET', k, unpack(fields))
    redis.call('EXPIRE', k, ttl)
    created = created + 1
  end
  i = i + 2 + f
end
return created
