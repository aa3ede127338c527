-- A root task starts: create its root swarm (once; a retried root finds it again) and move the root
-- signature's callbacks and container membership to the swarm, so that they follow the swarm's end.
-- ARGV[3] = swarm id, ARGV[4] = root signature id, ARGV[5] = N, then N swarm field/value items, then the field/value
-- items of a signature to create under the root signature id when none exists: a plain run of a root task (not a
-- signature's) gets one, followed through the engine's events, so that its final failure, which only the engine
-- knows (retries, timeouts, lost workers), stops the root swarm as a signature's would.
local wid = ARGV[3]
local rid = ARGV[4]
local wk = sk(wid)
if redis.call('EXISTS', wk) == 1 then return {'exists'} end
local n = tonumber(ARGV[5])
-- The swarm knows its root signature (root_sig), so that a nested root, which its parent container lists by its
-- swarm, still shows as a root with its body's status.
local fields = {'created_at', NOW, 'root_sig', rid}
for i = 6, 5 + n do table.insert(fields, ARGV[i]) end
redis.call('HSET', wk, unpack(fields))
if rid ~= '' then
  local rk = sk(rid)
  local r = redis.call('HMGET', rk, 'succ', 'err', 'parent', 'input', 'pkind')
  if not r[1] and #ARGV > 5 + n then
    local own = {'created_at', NOW, 'root_swarm', wid}
    for i = 6 + n, #ARGV do table.insert(own, ARGV[i]) end
    redis.call('HSET', rk, unpack(own))
    redis.call('EXPIRE', rk, ttl_of(rid, 'ttl_a'))
    redis.call('HSET', wk, 'input', redis.call('HGET', rk, 'input') or '{}')
  elseif r[1] then
    -- The signature's own callbacks first, then those the root task was registered with (already in the fields).
    local reg = redis.call('HMGET', wk, 'succ', 'err')
    local function join(a, b)
      if not a or a == '' then return b or '' end
      if not b or b == '' then return a end
      return a .. ',' .. b
    end
    redis.call('HSET', wk, 'succ', join(r[1], reg[1]), 'err', join(r[2], reg[2]), 'parent', r[3] or '', 'pkind', r[5] or '', 'input', r[4] or '{}')
    redis.call('HSET', rk, 'succ', '', 'err', '', 'parent', '', 'pkind', '', 'root_swarm', wid)
    local parent = r[3]
    if parent and parent ~= '' then
      local pk = sk(parent)
      local kind = redis.call('HGET', pk, 'kind')
      if kind == 'swarm' then
        local pos = redis.call('LPOS', swk(parent, 'items'), rid)
        if pos then redis.call('LSET', swk(parent, 'items'), pos, wid) end
      elseif kind == 'chain' then
        local tasks = {}
        for t in string.gmatch(redis.call('HGET', pk, 'tasks') or '', '[^,]+') do
          if t == rid then table.insert(tasks, wid) else table.insert(tasks, t) end
        end
        redis.call('HSET', pk, 'tasks', table.concat(tasks, ','))
      end
    end
  end
end
redis.call('EXPIRE', wk, ttl_of(wid, 'ttl_a'))
-- A top-level root is one flow in the viewer's index, under the root signature's id; its swarm is live with it.
if rid ~= '' and (redis.call('HGET', wk, 'parent') or '') == '' then
  flow_started(rid, ttl_of(rid, 'ttl_a'), ttl_of(rid, 'ttl_d'), wid)
end
return {'created'}
