-- How many live access tokens and refresh-token families a grant holds, if it is the given
-- user's grant of the given client: whether a user's index of grants still tells the truth.
-- Reads only; its cost follows the grant's own tokens.
--
-- KEYS[1]  the grant's hash
-- ARGV[1]  the grant's identity it must have (field 'g')
-- ARGV[2]  now, seconds since the epoch
-- Returns  the count; 0 for another grant or none
--- @include "grant"
local grant, now = KEYS[1], tonumber(ARGV[2])
if redis.call('HGET', grant, 'g') ~= ARGV[1] then
  return 0
end
local live = 0
local fields = redis.call('HGETALL', grant)
for i = 1, #fields, 2 do
  if fields[i] ~= 'g' and isLive(fields[i], fields[i + 1], now) then
    live = live + 1
  end
end
return live
