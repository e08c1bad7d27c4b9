-- Revokes a refresh token: its family ends, with every live access token descended from it
-- (RFC 7009 §2.1: revoking a refresh token SHOULD revoke the access tokens of the same grant).
--
-- KEYS[1]  the grant's hash
-- ARGV[1]  the family id
-- ARGV[2]  the presented refresh token's field
-- ARGV[3]  the client that must own the token; '' for any
-- ARGV[4]  now, seconds since the epoch
-- ARGV[5]  the tombstone of a token revoked now
-- ARGV[6]  lifetime in seconds of the tombstone
-- ARGV[7]  how long an expired token is still reported as expired, seconds
-- Returns  a status
--- @status revoked 1
--- @status unknown 0     unknown, expired, rotated out or already revoked
--- @status not_owner -1  owned by another client
--- @include "grant"
local grant, familyId, presented = KEYS[1], ARGV[1], ARGV[2]
local now = tonumber(ARGV[4])
local record, identity = unpack(redis.call('HMGET', grant, '~' .. familyId, 'g'))
if not record or not identity then
  return STATUS.unknown
end
local family = parseFamily(record)
-- The previous token counts too, where a retry window keeps it: a client that lost the answer
-- to its last refresh may still end what it holds.
if not family or familyEnd(family) <= now
    or (presented ~= family.current and presented ~= family.previous) then
  return STATUS.unknown
end
if ARGV[3] ~= '' and clientOf(identity) ~= ARGV[3] then
  return STATUS.not_owner
end
revokeFamily(grant, familyId, ARGV[5], tonumber(ARGV[6]), now, tonumber(ARGV[7]))
return STATUS.revoked
