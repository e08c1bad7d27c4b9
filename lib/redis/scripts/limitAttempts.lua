-- Brute-force protection (RFC 6749 §10.10): a sliding window of one subject's counted attempts
-- (a client id's failed authentications, a username's failed passwords). Checking the limit and
-- counting are one script, so that parallel attempts from any number of app instances can never
-- count more than the limit between them.
--
-- KEYS[1]  the subject's attempts: a sorted set of attempt ids scored by time in ms
-- ARGV[1]  the window in ms
-- ARGV[2]  how many attempts the window may hold
-- ARGV[3]  the id of the attempt to count; '' only checks
-- Returns  0 when under the limit (and the attempt counted); else the ms until the oldest
--          attempt leaves the window, when one more will be let through
local rcall = redis.call
local key, window, limit, attempt = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]

-- Redis' clock, not the callers': app instances share one window whatever their clocks say.
-- Before Redis 5 a script must ask for effects replication to write after reading the time.
if redis.replicate_commands then
  redis.replicate_commands()
end
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

rcall('ZREMRANGEBYSCORE', key, '-inf', now - window)
if rcall('ZCARD', key) >= limit then
  local oldest = rcall('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
if attempt ~= '' then
  -- Nothing is added at the limit, so the set never holds more than ARGV[2] members, and it
  -- expires once its newest member has left the window.
  rcall('ZADD', key, now, attempt)
  rcall('PEXPIRE', key, window)
end
return 0
