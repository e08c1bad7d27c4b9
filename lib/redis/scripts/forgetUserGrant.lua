-- Forgets one grant in a user's index: when it was revoked, or found without a live token. With
-- ARGV[2], only if the entry is still that one, so that a token issued meanwhile keeps it.
--
-- KEYS[1]  the user's hash: client id -> the entry (see userGrant.lua)
-- ARGV[1]  the client id
-- ARGV[2]  the entry it must still hold; '' for any
-- Returns  1 when it was forgotten, else 0
--- @include "userGrant"
local grants, client = KEYS[1], ARGV[1]
if ARGV[2] ~= '' and redis.call('HGET', grants, client) ~= ARGV[2] then
  return 0
end
local forgotten = redis.call('HDEL', grants, client)
if forgotten == 1 then
  retime(grants)
end
return forgotten
