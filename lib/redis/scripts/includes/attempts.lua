-- Brute-force protection (RFC 6749 §10.10): a sliding window of one subject's counted attempts
-- (a client id's failed authentications, a username's failed passwords), in a sorted set of
-- attempt ids scored by time in ms. Checking the limit and counting happen in one script, so
-- that parallel attempts from any number of app instances never count past the limit.

-- 0 when under the limit (and `attempt` counted, unless it is ''); else the ms until the
-- oldest attempt leaves the window, when one more will be let through.
local function limitAttempts(key, window, limit, attempt)
  -- The common case, a subject with no recent failure, costs one read.
  if attempt == '' and redis.call('EXISTS', key) == 0 then
    return 0
  end
  -- Redis' clock, not the callers': app instances share one window whatever their clocks say.
  -- Before Redis 5 a script must ask for effects replication to write after reading the time.
  if redis.replicate_commands then
    redis.replicate_commands()
  end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now)
  end
  if attempt ~= '' then
    -- Nothing is added at the limit, so the set never holds more than `limit` members, and it
    -- expires once its newest member has left the window.
    redis.call('ZADD', key, now, attempt)
    redis.call('PEXPIRE', key, window)
  end
  return 0
end
