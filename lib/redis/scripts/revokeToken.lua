-- Revokes one live access token, leaving a tombstone so that a later check can say "revoked".
--
-- KEYS[1]  the grant's hash
-- ARGV[1]  the token's field
-- ARGV[2]  the tombstone
-- ARGV[3]  lifetime in seconds of the tombstone
-- ARGV[4]  the client that must own the token (RFC 7009 §2.1); '' for any
-- ARGV[5]  now, seconds since the epoch
-- ARGV[6]  how long an expired token is still reported as expired, seconds
-- ARGV[7]  '1': only a token issued to no client (ARGV[4] is then '')
-- Returns  a status
--- @status revoked 1
--- @status unknown 0     unknown, expired or already revoked
--- @status not_owner -1  owned by another client
--- @include "grant"
local value, identity = unpack(redis.call('HMGET', KEYS[1], ARGV[1], 'g'))
if not value or not identity or not isLive(ARGV[1], value, tonumber(ARGV[5])) then
  return STATUS.unknown
end
if ARGV[4] ~= '' and clientOf(identity) ~= ARGV[4] then
  return STATUS.not_owner
end
if ARGV[7] == '1' and clientOf(identity) ~= '' then
  return STATUS.not_owner
end
revokeField(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[6]))
return STATUS.revoked
