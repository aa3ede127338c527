-- The engine refused to start a signature's run for good (e.g. an unknown task name).
-- ARGV[3] = id, ARGV[4] = error. The signature fails (error callbacks fire, containers count it).
local id = ARGV[3]
redis.call('ZREM', P .. ':publishing', id)
local k = sk(id)
local h = redis.call('HMGET', k, 'status', 'run')
if not h[1] then return {'missing'} end
if h[2] and h[2] ~= '' then return {'published'} end
redis.call('HSET', k, 'claim', '')
if not finish(id, false, ARGV[4]) then return {'dup'} end
local r = {'ok'}
for _, v in ipairs(out) do table.insert(r, v) end
return r
