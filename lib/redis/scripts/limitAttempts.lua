-- Checks one subject's brute-force limits, and counts an attempt under them (see attempts.lua).
--
-- KEYS[1]  the subject's attempts from one source: a sorted set of attempt ids scored by ms
-- KEYS[2]  optional: the subject's attempts from every source (same slot as KEYS[1])
-- ARGV[1]  the window in ms
-- ARGV[2]  how many attempts the window may hold from one source
-- ARGV[3]  the id of the attempt to count; '' only checks
-- ARGV[4]  with KEYS[2]: how many attempts the window may hold from every source
-- Returns  0 when under the limits (and the attempt counted); else the ms until one more will
--          be let through
--- @include "attempts"
local ceiling = ARGV[4] and tonumber(ARGV[4]) or nil
return limitAttempts(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], KEYS[2], ceiling)
