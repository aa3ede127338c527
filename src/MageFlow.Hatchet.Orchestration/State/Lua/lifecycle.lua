-- Suspend, interrupt, resume or cancel a signature and everything it contains.
-- ARGV[3] = id, ARGV[4] = operation. Returns {status, ids to publish..., '|', run ids to cancel...}.
local op = ARGV[4]
local cancel_runs = {}

local function children(id)
  local k = sk(id)
  local kind = redis.call('HGET', k, 'kind')
  if kind == 'chain' then
    local list = {}
    for t in string.gmatch(redis.call('HGET', k, 'tasks') or '', '[^,]+') do table.insert(list, t) end
    return list
  elseif kind == 'swarm' then
    return redis.call('LRANGE', swk(id, 'items'), 0, -1)
  end
  return {}
end

-- Whether a task was handed to the publisher at least once: others store how their input is built when queued; a
-- swarm item was queued when it left its swarm's queue.
local function was_queued(id, inmode, parent, pkind)
  if inmode and inmode ~= '' then return true end
  if pkind == 'swarm' and parent and parent ~= '' then
    return not redis.call('LPOS', swk(parent, 'queue'), id)
  end
  return false
end

local function apply(id)
  local k = sk(id)
  if redis.call('EXISTS', k) == 0 then return end
  local h = redis.call('HMGET', k, 'status', 'prev', 'run', 'kind', 'inmode', 'parent', 'pkind')
  local st = h[1]
  if is_final(st) then return end
  if op == 'suspend' then
    if st ~= 'suspended' and st ~= 'interrupted' then redis.call('HSET', k, 'status', 'suspended', 'prev', st) end
  elseif op == 'interrupt' then
    if st ~= 'interrupted' then
      redis.call('HSET', k, 'status', 'interrupted', 'prev', st == 'suspended' and h[2] or st)
      if h[3] and h[3] ~= '' and h[4] == 'task' then
        table.insert(cancel_runs, h[3])
        -- Forget the cancelled run now: its report may arrive after a resume and must not finish (fail) the task.
        redis.call('HSET', k, 'run', '')
      end
    end
  elseif op == 'resume' then
    if st == 'suspended' or st == 'interrupted' then
      redis.call('HSET', k, 'status', (h[2] and h[2] ~= '') and h[2] or 'pending', 'prev', '')
      -- A task that was queued but never ran (or was stopped) is published again.
      if h[4] == 'task' and (not h[3] or h[3] == '') and was_queued(id, h[5], h[6], h[7]) then
        index_queue(id)
        table.insert(out, id)
      end
    end
  elseif op == 'cancel' then
    if h[3] and h[3] ~= '' and h[4] == 'task' then table.insert(cancel_runs, h[3]) end
    cancel_sig(id)
  end
  for _, c in ipairs(children(id)) do apply(c) end
end

local id = ARGV[3]
if redis.call('EXISTS', sk(id)) == 0 then return reply('missing') end
apply(id)
if op == 'resume' and redis.call('HGET', sk(id), 'kind') == 'swarm' then
  fill(id)
end
table.insert(out, '|')
local r = reply('ok')
for _, v in ipairs(cancel_runs) do table.insert(r, v) end
return r
