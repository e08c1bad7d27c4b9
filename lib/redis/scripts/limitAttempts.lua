-- Checks one subject's brute-force limits, and counts an attempt under them (see attempts.lua).
--
-- KEYS[1]  the subject's attempts from one source: a sorted set of attempt ids scored by ms
-- KEYS[2]  optional: the subject's attempts from every source (same slot as KEYS[1])
-- KEYS[3]  with KEYS[2]: the sources the ceiling does not apply to (a set)
-- ARGV[1]  the window in ms
-- ARGV[2]  how many attempts the window may hold from one source
-- ARGV[3]  the id of the attempt to count; '' only checks
-- ARGV[4]  with KEYS[2]: how many attempts the window may hold from every source
-- ARGV[5]  with KEYS[2]: the attempt's source, looked up in KEYS[3]
-- Returns  0 when under the limits (and the attempt counted); else the ms until one more will
--          be let through
--- @include "attempts"
local ceilingKey = KEYS[2]
local ceiling = ARGV[4] and tonumber(ARGV[4]) or nil
-- A source the user signed in from lately is held to its own limit only: failures from
-- elsewhere filling the ceiling must not keep the user out from where they sign in.
if KEYS[3] and redis.call('SISMEMBER', KEYS[3], ARGV[5]) == 1 then
  ceilingKey = nil
end
return limitAttempts(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ceilingKey, ceiling)
