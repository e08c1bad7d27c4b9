-- Revokes every live token of one grant (one user, one client), forgets its refresh-token
-- families and its codes not yet exchanged: its cost follows the grant's own tokens, never the number of tokens in Redis.
-- Runs in the grant's slot, so a token being issued at the same moment is either revoked here
-- or issued after this returns.
--
-- KEYS[1]  the grant's hash
-- KEYS[2]  the grant's code set
-- ARGV[1]  the prefix of the grant's code keys
-- ARGV[2]  the tombstone of a token revoked now
-- ARGV[3]  lifetime in seconds of the tombstones
-- ARGV[4]  now, seconds since the epoch
-- ARGV[5]  the client the grant must be of, '' for any: a client being deleted finds its grants
--          by a tag that another client may share, and leaves theirs alone
-- ARGV[6]  how long an expired token is still reported as expired, seconds
-- Returns  how many live tokens were revoked, each live refresh token counting as one
--- @include "grant"
local rcall = redis.call
local grant, codes, codePrefix, client = KEYS[1], KEYS[2], ARGV[1], ARGV[5]
local now, grace = tonumber(ARGV[4]), tonumber(ARGV[6])

local identity = rcall('HGET', grant, 'g')
if client ~= '' and identity and clientOf(identity) ~= client then
  return 0
end
local revoked = 0
local fields = rcall('HGETALL', grant)
for i = 1, #fields, 2 do
  local field = fields[i]
  if field ~= 'g' and isLive(field, fields[i + 1], now) then
    if isFamilyField(field) then
      rcall('HDEL', grant, field)
    else
      rcall('HSET', grant, field, ARGV[2])
    end
    revoked = revoked + 1
  end
end
if revoked > 0 then
  afterRevocation(grant, tonumber(ARGV[3]), now, grace)
end
-- A code is forgotten only if it is the client's: the grant's hash may not exist yet to say so.
for _, member in ipairs(rcall('SMEMBERS', codes)) do
  local code = codePrefix .. member
  if client == '' or rcall('HGET', code, 'client') == client then
    rcall('DEL', code)
    rcall('SREM', codes, member)
  end
end
return revoked
