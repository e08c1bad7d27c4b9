-- Brute-force protection (RFC 6749 §10.10): a sliding window of one subject's counted attempts
-- (a client id's failed authentications, a username's failed passwords) from one source, in a
-- sorted set of attempt ids scored by time in ms, and for usernames a second window over every
-- source together (the ceiling). Checking the limits and counting happen in one script, so
-- that parallel attempts from any number of app instances never count past a limit.

-- The ms until the oldest attempt of `key` leaves the window if it holds `limit` of them, else 0.
local function waitFor(key, now, window, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now)
  end
  return 0
end

-- 0 when under the limits (and `attempt` counted, unless it is ''); else the ms until one more
-- will be let through. `ceilingKey` and `ceiling` are optional: no limit over every source.
local function limitAttempts(key, window, limit, attempt, ceilingKey, ceiling)
  -- The common case, a subject with no recent failure, costs one read.
  if attempt == '' and redis.call('EXISTS', key) == 0
      and (ceilingKey == nil or redis.call('EXISTS', ceilingKey) == 0) then
    return 0
  end
  -- Redis' clock, not the callers': app instances share one window whatever their clocks say.
  -- Before Redis 5 a script must ask for effects replication to write after reading the time.
  if redis.replicate_commands then
    redis.replicate_commands()
  end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

  local wait = waitFor(key, now, window, limit)
  if ceilingKey ~= nil then
    wait = math.max(wait, waitFor(ceilingKey, now, window, ceiling))
  end
  if wait > 0 then
    return wait
  end
  if attempt ~= '' then
    -- Nothing is added at a limit, so a set never holds more than its limit, and it expires
    -- once its newest member has left the window.
    redis.call('ZADD', key, now, attempt)
    redis.call('PEXPIRE', key, window)
    if ceilingKey ~= nil then
      redis.call('ZADD', ceilingKey, now, attempt)
      redis.call('PEXPIRE', ceilingKey, window)
    end
  end
  return 0
end
