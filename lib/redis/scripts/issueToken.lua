-- Stores a new access token in its grant's hash, which is also the grant's index of tokens.
--
-- KEYS[1]  the grant's hash
-- ARGV[1]  the grant's identity (field 'g')
-- ARGV[2]  the token's field
-- ARGV[3]  the encoded token
-- ARGV[4]  the grant's lifetime in seconds that this token needs; 0: no expiry
-- ARGV[5]  now, seconds since the epoch
-- ARGV[6]  how long an expired token is still reported as expired, seconds
-- Returns  a status
--- @status stored 1
--- @status grant_collision 0  the grant belongs to someone else (colliding ids): nothing stored
--- @include "grant"
if storeToken(KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])) then
  return STATUS.stored
end
return STATUS.grant_collision
