-- Create a signature unless it exists (retried task bodies get the same ids back).
-- ARGV[3] = id, ARGV[4] = active ttl, ARGV[5..] = field/value pairs.
-- Returns {created (1/0), error or ''}.
local id = ARGV[3]
local k = sk(id)
if redis.call('EXISTS', k) == 1 then return {0, ''} end
local fields = {}
for i = 5, #ARGV do table.insert(fields, ARGV[i]) end
redis.call('HSET', k, unpack(fields))
redis.call('HSET', k, 'created_at', NOW)
-- Chains own their tasks: each task learns its container.
if redis.call('HGET', k, 'kind') == 'chain' then
  for t in string.gmatch(redis.call('HGET', k, 'tasks') or '', '[^,]+') do
    local tk = sk(t)
    if redis.call('EXISTS', tk) == 0 then
      redis.call('DEL', k)
      return {0, 'missing:' .. t}
    end
    local p = redis.call('HGET', tk, 'parent')
    if p and p ~= '' and p ~= id then
      redis.call('DEL', k)
      return {0, 'owned:' .. t .. ':' .. p}
    end
    redis.call('HSET', tk, 'parent', id, 'pkind', 'chain')
  end
end
redis.call('EXPIRE', k, tonumber(ARGV[4]))
return {1, ''}
