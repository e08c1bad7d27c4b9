-- A grant's hash (see token-record.ts): field 'g' is '<client id>[\31<user id>]'; a field
-- '~<family id>' is one refresh-token family (see parseFamily); every other field is one access
-- token, '<issued at>\31<lifetime>[,<family id>]\31<body>' with times in base 36 and lifetime 0
-- for never, or '-<revoked until>' once revoked. A body is '<scope>[\31<extras>[\31<audience>]]',
-- the audience the tags of its resources (RFC 8707), space-separated.

-- The client id of a grant identity; '' for an anonymous client.
local function clientOf(identity)
  return string.match(identity, '^[^\31]*')
end

-- A token body's scope, extras and audience; '' for those it lacks.
local function splitBody(body)
  local scope, extras, audience = string.match(body, '^([^\31]*)\31?([^\31]*)\31?(.*)$')
  return scope, extras, audience
end

local function joinBody(scope, extras, audience)
  if audience ~= '' then
    return scope .. '\31' .. extras .. '\31' .. audience
  end
  if extras ~= '' then
    return scope .. '\31' .. extras
  end
  return scope
end

-- The audience a request narrows a grant's to (RFC 8707 §2.2): `requested` ('' keeps the grant's
-- own) when the grant has no audience or names each of its tags; nil when it asks for more.
local function narrowAudience(granted, requested)
  if requested == '' or granted == '' then
    return requested ~= '' and requested or granted
  end
  local allowed = {}
  for tag in string.gmatch(granted, '%S+') do
    allowed[tag] = true
  end
  for tag in string.gmatch(requested, '%S+') do
    if not allowed[tag] then
      return nil
    end
  end
  return requested
end

-- Whether a field of the grant is a refresh-token family's record.
local function isFamilyField(field)
  return string.sub(field, 1, 1) == '~'
end

-- A family's record: '<expires at>\31<idle until>\31<current>\31<previous>\31<rotated at>\31<body>',
-- times in base 36; idle until, previous and rotated at may be empty. current and previous are
-- the fields (hashes) of the family's refresh token and of the one it replaced; body is the
-- grant's own scope and extras, which every access token of the family is cut from. nil when
-- the value is no record.
local function parseFamily(value)
  local expiresAt, idleUntil, current, previous, rotatedAt, body =
    string.match(value, '^(%w+)\31(%w*)\31([^\31]+)\31([^\31]*)\31(%w*)\31(.*)$')
  if not expiresAt then
    return nil
  end
  return {
    expiresAt = tonumber(expiresAt, 36),
    idleUntil = idleUntil ~= '' and tonumber(idleUntil, 36) or nil,
    current = current,
    previous = previous ~= '' and previous or nil,
    rotatedAt = rotatedAt ~= '' and tonumber(rotatedAt, 36) or nil,
    body = body,
  }
end

--- @include "base36"

local function encodeFamily(family)
  return table.concat({
    base36(family.expiresAt),
    family.idleUntil and base36(family.idleUntil) or '',
    family.current,
    family.previous or '',
    family.rotatedAt and base36(family.rotatedAt) or '',
    family.body,
  }, '\31')
end

-- When a family stops being usable: its absolute end, or sooner if nobody used it lately.
local function familyEnd(family)
  if family.idleUntil and family.idleUntil < family.expiresAt then
    return family.idleUntil
  end
  return family.expiresAt
end

-- The family an access token descends from; nil for none (or no access token).
local function familyOf(value)
  return string.match(value, '^%w+\31%w+,([%w_-]+)\31')
end

-- When a stored token expires (seconds since the epoch), 0 for never; or, with a second
-- result true, until when a revoked one is reported as revoked. nil when the value is no token.
local function expiryOf(value)
  if string.sub(value, 1, 1) == '-' then
    return tonumber(string.sub(value, 2), 36), true
  end
  local issuedAt, lifetime = string.match(value, '^(%w+)\31(%w+)[,\31]')
  if not issuedAt then
    return nil
  end
  lifetime = tonumber(lifetime, 36)
  if lifetime == 0 then
    return 0, false
  end
  return tonumber(issuedAt, 36) + lifetime, false
end

-- expiryOf() for any field but 'g': a family's record ends as familyEnd() says.
local function fieldExpiry(field, value)
  if isFamilyField(field) then
    local family = parseFamily(value)
    return family and familyEnd(family), false
  end
  return expiryOf(value)
end

-- Whether a stored token (or family) is live: neither expired nor revoked.
local function isLive(field, value, now)
  local expiry, revoked = fieldExpiry(field, value)
  return expiry ~= nil and not revoked and (expiry == 0 or expiry > now)
end

-- Whether a field can go: a token expired more than `grace` seconds ago (until then a check can
-- still say "expired"), or a revocation no longer reported.
local function isDead(field, value, now, grace)
  local expiry, revoked = fieldExpiry(field, value)
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
    if sample[i] ~= 'g' and isDead(sample[i], sample[i + 1], now, grace) then
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
local function neededLife(field, value, now, grace)
  local expiry, revoked = fieldExpiry(field, value)
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
        local life = neededLife(fields[i], fields[i + 1], now, grace)
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

-- Starts a refresh-token family beside the access token just stored with its tag: false when
-- the grant already has a family of that id (48 random bits within one grant), storing nothing.
-- The grant then lives at least as long as the family.
local function startFamily(grant, familyId, family, now)
  if redis.call('HSETNX', grant, '~' .. familyId, encodeFamily(family)) == 0 then
    return false
  end
  extendLife(grant, familyEnd(family) - now, redis.call('TTL', grant))
  return true
end

-- Ends a family: forgets its record and revokes every live access token descended from it.
-- Its cost follows the grant's own fields. How many live tokens (the refresh token counting as
-- one) it ended.
local function revokeFamily(grant, familyId, tombstone, tombstoneTtl, now, grace)
  local ended = 0
  local record = redis.call('HGET', grant, '~' .. familyId)
  if record then
    if isLive('~' .. familyId, record, now) then
      ended = 1
    end
    redis.call('HDEL', grant, '~' .. familyId)
  end
  local fields = redis.call('HGETALL', grant)
  for i = 1, #fields, 2 do
    local field, value = fields[i], fields[i + 1]
    if field ~= 'g' and not isFamilyField(field) and familyOf(value) == familyId
        and isLive(field, value, now) then
      redis.call('HSET', grant, field, tombstone)
      ended = ended + 1
    end
  end
  if ended > 0 then
    afterRevocation(grant, tombstoneTtl, now, grace)
  end
  return ended
end
