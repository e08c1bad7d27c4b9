-- Stores a new access token and records it in its grant, in one step.
--
-- KEYS[1]  the token's key
-- KEYS[2]  the grant's token set
-- ARGV[1]  the token hash (the member of KEYS[2])
-- ARGV[2]  the encoded token
-- ARGV[3]  the key's lifetime in seconds; 0: no expiry
-- ARGV[4]  the prefix of the grant's token keys (a member appended to it names its key)
-- Returns  1
--- @include "addToGrant"
local keyTtl = tonumber(ARGV[3])
if keyTtl > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', keyTtl)
else
  redis.call('SET', KEYS[1], ARGV[2])
end
addToGrant(KEYS[2], ARGV[1], keyTtl, ARGV[4])
return 1
