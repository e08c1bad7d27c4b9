-- Deletes one client with every attribute index entry that names it, and hands back the ids
-- of its grants, whose tokens the caller then revokes.
--
-- KEYS[1]  the client's hash
-- KEYS[2]  the sorted set of all client ids
-- KEYS[3]  the set of the client's grant ids
-- ARGV[1]  the client id
-- Returns  {1, grant ids} when deleted, 0 when there was no such client
local rcall = redis.call
local client, all, id = KEYS[1], KEYS[2], ARGV[1]

local fields = rcall('HGETALL', client)
if #fields == 0 then
  return 0
end
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'i:' then
    rcall('SREM', fields[i + 1], id)
  end
end
local grants = rcall('SMEMBERS', KEYS[3])
rcall('DEL', client, KEYS[3])
rcall('ZREM', all, id)
return { 1, grants }
