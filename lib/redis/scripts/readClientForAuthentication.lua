-- Reads a client about to authenticate with its secret, and checks its id's brute-force limit
-- in the same step: both live in the registry's slot, so a token request pays one command for
-- them, not two.
--
-- KEYS[1]  the client's hash
-- KEYS[2]  the client id's attempts from the request's source (see attempts.lua)
-- ARGV[1]  the window in ms
-- ARGV[2]  how many failures the window may hold; 0: no limit
-- Returns  {ms until the id may try again or 0, the client's fields and values...}
--- @include "attempts"
local wait = 0
local limit = tonumber(ARGV[2])
if limit > 0 then
  wait = limitAttempts(KEYS[2], tonumber(ARGV[1]), limit, '')
end
local reply = redis.call('HGETALL', KEYS[1])
table.insert(reply, 1, wait)
return reply
