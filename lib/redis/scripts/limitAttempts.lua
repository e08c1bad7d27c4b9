-- Checks one subject's brute-force limit, and counts an attempt under it (see attempts.lua).
--
-- KEYS[1]  the subject's attempts: a sorted set of attempt ids scored by time in ms
-- ARGV[1]  the window in ms
-- ARGV[2]  how many attempts the window may hold
-- ARGV[3]  the id of the attempt to count; '' only checks
-- Returns  0 when under the limit (and the attempt counted); else the ms until the oldest
--          attempt leaves the window, when one more will be let through
--- @include "attempts"
return limitAttempts(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
