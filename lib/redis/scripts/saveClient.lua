-- Creates or updates one client of the registry together with its attribute index entries,
-- so that a reader never sees a client without its index entries or the other way round.
--
-- KEYS[1]   the client's hash
-- KEYS[2]   the sorted set of all client ids
-- KEYS[3]   on create, the sorted set of the clients of its origin (self-registered ones), or
--           KEYS[2] again for a client the operator registered, which KEYS[2] lists already
-- KEYS[4..] one attribute index set per entry of change.set, in the same order
-- ARGV[1]   the client id
-- ARGV[2]   'create' or 'update'
-- ARGV[3]   creation time in ms (the client's score in KEYS[2]; read on create only)
-- ARGV[4]   JSON {"fields": {field: value}, "drop": [field, ...], "set": [[attribute, value], ...],
--           "unset": [attribute, ...]}
-- Returns   a status
--- @status saved 1
--- @status conflict 0  the client already exists (create) or does not (update): nothing saved
--
-- Each attribute's index key is kept in the hash as field 'i:<name>', and the origin's index
-- as field 'z:origin', so a later change or a delete finds the old index entries without
-- building key names here.
local rcall = redis.call
local client, all, origin, id, mode = KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2]

local exists = rcall('EXISTS', client) == 1
if (mode == 'create') == exists then
  return STATUS.conflict
end

local change = cjson.decode(ARGV[4])
for i, pair in ipairs(change.set) do
  local name, value, indexKey = pair[1], pair[2], KEYS[i + 3]
  local old = rcall('HGET', client, 'i:' .. name)
  if old and old ~= indexKey then
    rcall('SREM', old, id)
  end
  rcall('SADD', indexKey, id)
  rcall('HSET', client, 'a:' .. name, value, 'i:' .. name, indexKey)
end
for _, name in ipairs(change.unset) do
  local old = rcall('HGET', client, 'i:' .. name)
  if old then
    rcall('SREM', old, id)
  end
  rcall('HDEL', client, 'a:' .. name, 'i:' .. name)
end
for field, value in pairs(change.fields) do
  rcall('HSET', client, field, value)
end
for _, field in ipairs(change.drop) do
  rcall('HDEL', client, field)
end
if mode == 'create' then
  rcall('ZADD', all, ARGV[3], id)
  if origin ~= all then
    rcall('ZADD', origin, ARGV[3], id)
    rcall('HSET', client, 'z:origin', origin)
  end
end
return STATUS.saved
