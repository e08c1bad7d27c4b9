-- The refresh grant (RFC 6749 §6) in one step: checks the refresh token and its client, rotates
-- it, and stores the new access token. Parallel requests with one refresh token run one after
-- the other here, so exactly one of them rotates it (RFC 9700 §4.14.2).
--
-- A refresh token names its family in clear, so any token of a known family that is neither the
-- family's current one nor its previous one within the grace window is a rotated-out token (or
-- a forgery by someone who saw one, as the family id is in no other string): the family is
-- revoked. At most two hashes per family are kept, however often it rotates, and one without a
-- retry window.
--
-- KEYS[1]   the grant's hash
-- ARGV[1]   the family id
-- ARGV[2]   the presented refresh token's field
-- ARGV[3]   the authenticated client id
-- ARGV[4]   the requested scope, '' when absent
-- ARGV[5]   the scopes the client may still have, space-separated; '*' for any
-- ARGV[6]   the new access token's field
-- ARGV[7]   the new access token's head (tagged with the family)
-- ARGV[8]   the grant's lifetime in seconds that the access token needs; 0: no expiry
-- ARGV[9]   the new refresh token's field; '' when this client's tokens do not rotate
-- ARGV[10]  now, seconds since the epoch
-- ARGV[11]  seconds after a rotation in which the previous refresh token still works
-- ARGV[12]  how long the family may go unused, seconds; 0: no limit
-- ARGV[13]  how long an expired token is still reported as expired, seconds
-- ARGV[14]  the tombstone of a token revoked now
-- ARGV[15]  lifetime in seconds of the tombstone
-- ARGV[16]  the audience the request names (resource tags), '' for the whole grant's
-- Returns   {STATUS.refreshed, token body, grant identity, rotated 1 or 0}; else a
--           status, and nothing changed but what reused says
--- @status refreshed 1
--- @status unknown -1          no such family: never issued, revoked, ended or expired
--- @status client_mismatch -2  a refresh token of another client
--- @status reused -3           a rotated-out refresh token: its family is revoked
--- @status scope_widened -4    a scope beyond what the user granted (RFC 6749 §6)
--- @status scope_withdrawn -5  nothing the user granted is still allowed to the client
--- @status grant_collision -6  the grant belongs to someone else (colliding ids)
--- @status audience_widened -7 a resource the user did not grant (RFC 8707 §2.2)
--- @include "grant"
local rcall = redis.call
local grant, familyId, presented = KEYS[1], ARGV[1], ARGV[2]
local now, reuseGrace, idleTtl = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local grace = tonumber(ARGV[13])
local familyField = '~' .. familyId

local record, identity = unpack(rcall('HMGET', grant, familyField, 'g'))
if not record or not identity then
  return STATUS.unknown
end
local family = parseFamily(record)
if not family or familyEnd(family) <= now then
  return STATUS.unknown
end
-- Another client's token proves nothing about the family's own client: refused, not revoked.
if clientOf(identity) ~= ARGV[3] then
  return STATUS.client_mismatch
end
local retried = family.previous == presented and family.rotatedAt ~= nil
  and family.rotatedAt + reuseGrace > now
if presented ~= family.current and not retried then
  revokeFamily(grant, familyId, ARGV[14], tonumber(ARGV[15]), now, grace)
  return STATUS.reused
end

local granted, extras, grantedAudience = splitBody(family.body)
local audience = narrowAudience(grantedAudience, ARGV[16])
if not audience then
  return STATUS.audience_widened
end
local function words(text)
  local list = {}
  for word in string.gmatch(text, '%S+') do
    list[#list + 1] = word
  end
  return list
end
local function setOf(list)
  local set = {}
  for _, word in ipairs(list) do
    set[word] = true
  end
  return set
end
local scope
if ARGV[4] ~= '' then
  local grantedSet = setOf(words(granted))
  for _, word in ipairs(words(ARGV[4])) do
    if not grantedSet[word] then
      return STATUS.scope_widened
    end
  end
  scope = ARGV[4]
elseif ARGV[5] == '*' then
  scope = granted
else
  -- What the client (or the server) no longer allows is left out (RFC 6749 §3.3).
  local allowed, kept = setOf(words(ARGV[5])), {}
  for _, word in ipairs(words(granted)) do
    if allowed[word] then
      kept[#kept + 1] = word
    end
  end
  if #kept == 0 and granted ~= '' then
    return STATUS.scope_withdrawn
  end
  scope = table.concat(kept, ' ')
end

local body = joinBody(scope, extras, audience)
if not storeToken(grant, identity, ARGV[6], ARGV[7] .. body, tonumber(ARGV[8]), now, grace) then
  return STATUS.grant_collision
end
local rotated = ARGV[9] ~= ''
if rotated then
  -- A retry keeps the previous token and its window: the token it replaces was never the
  -- client's, as far as the client can show.
  if not retried then
    -- Without a retry window the replaced token is never accepted again, and any token of the
    -- family but the current one is reuse: its hash would be 22 bytes kept for nothing.
    if reuseGrace > 0 then
      family.previous, family.rotatedAt = family.current, now
    else
      family.previous, family.rotatedAt = nil, nil
    end
  end
  family.current = ARGV[9]
end
if idleTtl > 0 then
  family.idleUntil = now + idleTtl
end
rcall('HSET', grant, familyField, encodeFamily(family))
extendLife(grant, familyEnd(family) - now, rcall('TTL', grant))
return { STATUS.refreshed, body, identity, rotated and 1 or 0 }
