-- A worker is about to run a signature's task. ARGV[3] = id, ARGV[4] = run id.
-- Returns 'ok', 'missing', or the status that holds it back (canceled, suspended, interrupted).
local id = ARGV[3]
local k = sk(id)
local st = redis.call('HGET', k, 'status')
if not st then return 'missing' end
if st == 'canceled' or st == 'suspended' or st == 'interrupted' then
  -- Not run now: a resume publishes it again.
  redis.call('HSET', k, 'run', '')
  return st
end
if is_final(st) then return st end
redis.call('HSET', k, 'status', 'active', 'run', ARGV[4], 'started_at', NOW)
return 'ok'
