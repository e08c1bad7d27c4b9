-- Stores a new access token in its grant's hash, which is also the grant's index of tokens,
-- and with ARGV[7] the refresh-token family it starts (the token's head then carries its tag).
--
-- KEYS[1]  the grant's hash
-- ARGV[1]  the grant's identity (field 'g')
-- ARGV[2]  the token's field
-- ARGV[3]  the encoded token
-- ARGV[4]  the grant's lifetime in seconds that this token needs; 0: no expiry
-- ARGV[5]  now, seconds since the epoch
-- ARGV[6]  how long an expired token is still reported as expired, seconds
-- ARGV[7]  the id of the refresh-token family to start, '' for none
-- ARGV[8]  the field of the family's first refresh token
-- ARGV[9]  the family's lifetime in seconds, from now
-- ARGV[10] how long the family may go unused, seconds; 0: no limit
-- Returns  a status
--- @status stored 1
--- @status grant_collision 0  the grant belongs to someone else (colliding ids): nothing stored
--- @include "grant"
local grant, familyId, now = KEYS[1], ARGV[7], tonumber(ARGV[5])
if familyId ~= '' and redis.call('HEXISTS', grant, '~' .. familyId) == 1 then
  return STATUS.grant_collision
end
if not storeToken(grant, ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), now, tonumber(ARGV[6])) then
  return STATUS.grant_collision
end
if familyId ~= '' then
  local idleTtl = tonumber(ARGV[10])
  startFamily(grant, familyId, {
    expiresAt = now + tonumber(ARGV[9]),
    idleUntil = idleTtl > 0 and now + idleTtl or nil,
    current = ARGV[8],
    -- What the family grants is what its first token grants: the token but its head.
    body = string.match(ARGV[3], '^%w+\31[%w,_-]+\31(.*)$'),
  }, now)
end
return STATUS.stored
