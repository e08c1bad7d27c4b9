-- A grant's hash (see token-record.ts): field 'g' is '<client id>[\31<user id>]'; every other
-- field is one token, '<issued at>\31<lifetime>\31<scope>[\31<extras>]' with times in base 36
-- and lifetime 0 for never, or '-<revoked until>' once revoked.

-- The client id of a grant identity; '' for an anonymous client.
local function clientOf(identity)
  return string.match(identity, '^[^\31]*')
end

-- When a stored token expires (seconds since the epoch), 0 for never; or, with a second
-- result true, until when a revoked one is reported as revoked. nil when the value is no token.
local function expiryOf(value)
  if string.sub(value, 1, 1) == '-' then
    return tonumber(string.sub(value, 2), 36), true
  end
  local issuedAt, lifetime = string.match(value, '^(%w+)\31(%w+)\31')
  if not issuedAt then
    return nil
  end
  lifetime = tonumber(lifetime, 36)
  if lifetime == 0 then
    return 0, false
  end
  return tonumber(issuedAt, 36) + lifetime, false
end

-- Whether a stored token is live: neither expired nor revoked.
local function isLive(value, now)
  local expiry, revoked = expiryOf(value)
  return expiry ~= nil and not revoked and (expiry == 0 or expiry > now)
end

-- Whether a field can go: a token expired more than `grace` seconds ago (until then a check can
-- still say "expired"), or a revocation no longer reported.
local function isDead(value, now, grace)
  local expiry, revoked = expiryOf(value)
  if expiry == nil then
    return true
  end
  if revoked then
    return expiry <= now
  end
  return expiry ~= 0 and expiry + grace <= now
end

-- Keeps the grant alive at least `ttl` seconds (0: for ever), given its TTL as it was before
-- this write (-2: it did not exist, -1: it never expires). A grant that holds a token that never
-- expires keeps no TTL.
local function extendLife(grant, ttl, current)
  if ttl == 0 then
    if current >= 0 then
      redis.call('PERSIST', grant)
    end
  elseif current == -2 or (current >= 0 and current < ttl) then
    redis.call('EXPIRE', grant, ttl)
  end
end

-- Stores a new token in its grant; false, storing nothing, when the grant is another's: two
-- grants whose ids collide (72 bits of HMAC within one client) must not share tokens. First
-- drops up to two fields found dead, so that a grant in constant use (a client's own, for
-- client credentials) does not grow without bound, at a cost that stays constant per token.
local function storeToken(grant, identity, field, value, keyTtl, now, grace)
  local current = redis.call('TTL', grant)
  if current ~= -2 and redis.call('HGET', grant, 'g') ~= identity then
    return false
  end
  local sample = redis.call('HRANDFIELD', grant, 2, 'WITHVALUES')
  for i = 1, #sample, 2 do
    if sample[i] ~= 'g' and isDead(sample[i + 1], now, grace) then
      redis.call('HDEL', grant, sample[i])
    end
  end
  if current == -2 then
    redis.call('HSET', grant, 'g', identity, field, value)
  else
    redis.call('HSET', grant, field, value)
  end
  extendLife(grant, keyTtl, current)
  return true
end

-- How long a field still needs its grant, seconds from now; nil for a live token that never
-- expires. A value that is no token needs nothing.
local function neededLife(value, now, grace)
  local expiry, revoked = expiryOf(value)
  if expiry == nil then
    return 0
  end
  if revoked then
    return expiry - now
  end
  if expiry == 0 then
    return nil
  end
  return expiry + grace - now
end

-- A grant kept for ever for a token that never expires may expire once no such token is live:
-- then it lives as long as its longest-needed field, and at least `floor` seconds. Stops at the
-- first live token that never expires, which in a grant that holds many is on the first page.
local function settleLife(grant, now, grace, floor)
  local longest = floor
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', grant, cursor, 'COUNT', 100)
    cursor = page[1]
    local fields = page[2]
    for i = 1, #fields, 2 do
      if fields[i] ~= 'g' then
        local life = neededLife(fields[i + 1], now, grace)
        if life == nil then
          return
        end
        if life > longest then
          longest = life
        end
      end
    end
  until cursor == '0'
  redis.call('EXPIRE', grant, longest)
end

-- After tokens of the grant were revoked: the grant lives at least as long as their tombstones,
-- and no longer for ever unless a live token still never expires.
local function afterRevocation(grant, tombstoneTtl, now, grace)
  local current = redis.call('TTL', grant)
  if current == -1 then
    settleLife(grant, now, grace, tombstoneTtl)
  else
    extendLife(grant, tombstoneTtl, current)
  end
end

-- Revokes one live token of the grant: its field keeps a tombstone until `tombstone` says.
local function revokeField(grant, field, tombstone, tombstoneTtl, now, grace)
  redis.call('HSET', grant, field, tombstone)
  afterRevocation(grant, tombstoneTtl, now, grace)
end
