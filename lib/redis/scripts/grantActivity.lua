-- What a grant holds, if it is the given user's grant of the given client: whether a user's
-- index of grants still tells the truth about it, and when it last issued a token. Reads only;
-- its cost follows the grant's own tokens and codes.
--
-- KEYS[1]  the grant's hash
-- KEYS[2]  the grant's set of codes
-- ARGV[1]  the grant's identity it must have (field 'g')
-- ARGV[2]  now, seconds since the epoch
-- ARGV[3]  the key prefix of the grant's codes
-- Returns  { live access tokens and refresh-token families, codes not yet exchanged, when a
--          token was last issued (seconds since the epoch, 0: none it still holds) }
--- @include "grant"
local grant, codes, now = KEYS[1], KEYS[2], tonumber(ARGV[2])
local pending = 0
-- A code waits under the grant's tag before the grant's hash exists: its own field names whose.
for _, member in ipairs(redis.call('SMEMBERS', codes)) do
  local identity, used = unpack(redis.call('HMGET', ARGV[3] .. member, 'grant', 'used'))
  if identity == ARGV[1] and not used then
    pending = pending + 1
  end
end
if redis.call('HGET', grant, 'g') ~= ARGV[1] then
  return { 0, pending, 0 }
end
local live, last = 0, 0
local fields = redis.call('HGETALL', grant)
for i = 1, #fields, 2 do
  local field, value = fields[i], fields[i + 1]
  if field ~= 'g' then
    if isLive(field, value, now) then
      live = live + 1
    end
    local issued
    if isFamilyField(field) then
      local family = parseFamily(value)
      issued = family and family.rotatedAt
    else
      -- A revoked token ('-<until>') says nothing of when it was issued.
      local head = string.match(value, '^(%w+)\31')
      issued = head and tonumber(head, 36)
    end
    if issued and issued > last then
      last = issued
    end
  end
end
return { live, pending, last }
