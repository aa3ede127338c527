-- Suspend, interrupt, resume or cancel a signature and everything it contains. On a root task's signature it acts
-- on the whole flow (the root swarm and every child), whether the body still runs or has already returned.
-- ARGV[3] = id, ARGV[4] = operation. Returns {status, ids to publish..., '|', run ids to cancel...}.
local op = ARGV[4]
local touched = {}

-- Whether a task was handed to the publisher at least once: others store how their input is built when queued; a
-- swarm item was queued when it left its swarm's queue.
local function was_queued(id, inmode, parent, pkind)
  if inmode and inmode ~= '' then return true end
  if pkind == 'swarm' and parent and parent ~= '' then
    return not redis.call('LPOS', swk(parent, 'queue'), id)
  end
  return false
end

-- An item canceled on its own inside a running swarm ends there now: it leaves the queue (or frees its slot) and
-- counts as canceled, so the swarm neither starts nor waits for it.
local function count_canceled_item(id, parent, pkind)
  if pkind ~= 'swarm' or not parent or parent == '' then return end
  local ps = redis.call('HGET', sk(parent), 'status')
  if not ps or is_final(ps) then return end
  if redis.call('LREM', swk(parent, 'queue'), 1, id) == 0 then redis.call('HINCRBY', sk(parent), 'running', -1) end
  redis.call('HINCRBY', sk(parent), 'ncanc', 1)
  touched[parent] = true
end

-- top: the signature the call names (or the root swarm of a root signature it names), not one of its children.
local function apply(id, top)
  local k = sk(id)
  local h = redis.call('HMGET', k, 'status', 'prev', 'run', 'kind', 'inmode', 'parent', 'pkind', 'root_swarm')
  local st = h[1]
  if not st then return end
  if h[8] and h[8] ~= '' then apply(h[8], top) end
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
      if h[4] == 'swarm' and top then touched[id] = true end
    end
  elseif op == 'cancel' then
    if top then count_canceled_item(id, h[6], h[7]) end
    if h[3] and h[3] ~= '' and h[4] == 'task' then table.insert(cancel_runs, h[3]) end
    cancel_sig(id)
  end
  for _, c in ipairs(children_of(id, h[4])) do apply(c, false) end
end

local id = ARGV[3]
if redis.call('EXISTS', sk(id)) == 0 then return reply('missing') end
apply(id, true)
-- Swarms that got room (a resumed swarm, or one whose item was canceled) start their next items, or end.
for wid, _ in pairs(touched) do
  fill(wid)
  check_swarm_done(wid)
end
return reply('ok')
