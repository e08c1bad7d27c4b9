-- Deletes one client with every attribute index entry that names it, and its entry in the
-- index of its origin. The caller then revokes its grants.
--
-- KEYS[1]  the client's hash
-- KEYS[2]  the sorted set of all client ids
-- ARGV[1]  the client id
-- Returns  a status
--- @status deleted 1
--- @status unknown_client 0  there was no such client
local rcall = redis.call
local client, all, id = KEYS[1], KEYS[2], ARGV[1]

local fields = rcall('HGETALL', client)
if #fields == 0 then
  return STATUS.unknown_client
end
for i = 1, #fields, 2 do
  local kind = string.sub(fields[i], 1, 2)
  if kind == 'i:' then
    rcall('SREM', fields[i + 1], id)
  elseif kind == 'z:' then
    rcall('ZREM', fields[i + 1], id)
  end
end
rcall('DEL', client)
rcall('ZREM', all, id)
return STATUS.deleted
