-- The engine refused to start a signature's run for good (e.g. an unknown task name).
-- ARGV[3] = id, ARGV[4] = error. The signature fails (error callbacks fire, containers count it).
local id = ARGV[3]
local k = sk(id)
local h = redis.call('HMGET', k, 'status', 'run')
if not h[1] then
  index_remove(id)
  return reply('missing')
end
if h[2] and h[2] ~= '' then return reply('published') end
if not finish(id, false, ARGV[4]) then return reply('dup') end
return reply('ok')
