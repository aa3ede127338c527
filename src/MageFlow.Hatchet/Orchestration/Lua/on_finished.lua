-- The engine reported a tracked run finished. ARGV[3] = run id, ARGV[4] = '1' ok / '0' failed,
-- ARGV[5] = result JSON or error text, ARGV[6] = owner. Returns {status, ids to publish...}.
local runKey = P .. ':run:' .. ARGV[3]
local id = redis.call('GET', runKey)
redis.call('SREM', P .. ':owner:' .. ARGV[6] .. ':runs', ARGV[3])
if not id then return {'untracked'} end
redis.call('DEL', runKey)
local k = sk(id)
local h = redis.call('HMGET', k, 'status', 'run', 'prev')
if not h[1] then return {'missing'} end
if h[2] ~= ARGV[3] then return {'stale'} end
-- Held back (a resume republishes it) only if the body never ran; a task suspended while running keeps its outcome.
if h[1] == 'interrupted' or (h[1] == 'suspended' and h[3] ~= 'active') then
  redis.call('HSET', k, 'run', '')
  return {'held'}
end
if not finish(id, ARGV[4] == '1', ARGV[5]) then return {'dup'} end
local r = {'ok'}
for _, v in ipairs(out) do table.insert(r, v) end
return r
