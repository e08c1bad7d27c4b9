-- Exchanges an authorization code for an access token, at most once (RFC 6749 §4.1.3).
-- The checks and the exchange are one script, so parallel requests with one code yield one
-- token; a code presented again revokes the token it gave and the refresh-token family it started
-- (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
--
-- KEYS[1]   the code's hash
-- KEYS[2]   the grant's hash
-- ARGV[1]   the authenticated client id
-- ARGV[2]   redirect_uri of the token request, '' when absent
-- ARGV[3]   S256 of code_verifier, '' when absent
-- ARGV[4]   code_verifier, '' when absent
-- ARGV[5]   the new token's field
-- ARGV[6]   the encoded token up to the code's body: the token is ARGV[6] .. body
-- ARGV[7]   the grant's lifetime in seconds that the token needs; 0: no expiry
-- ARGV[8]   now, seconds since the epoch
-- ARGV[9]   how long an expired token is still reported as expired, seconds
-- ARGV[10]  the tombstone of a token revoked now
-- ARGV[11]  lifetime in seconds of the tombstone
-- ARGV[12]  the id of the refresh-token family to start, '' for none (ARGV[6] then tags the
--           token with it)
-- ARGV[13]  the field of the family's first refresh token
-- ARGV[14]  the family's lifetime in seconds, counted from the user's consent (the code's issue)
-- ARGV[15]  how long the family may go unused, seconds; 0: no limit
-- ARGV[16]  the audience the token request names (resource tags), '' for the code's own
-- Returns   {STATUS.exchanged, token body, grant identity, 1 when the family was started else 0} when
--           exchanged; else a status, and nothing changed but what code_reused says
--- @status exchanged 1
--- @status unknown_code -1              no such code
--- @status client_mismatch -2           a code of another client
--- @status redirect_uri_mismatch -3     redirect_uri differs from the authorization request's
--- @status code_verifier_missing -4     code_verifier missing for a code with a challenge
--- @status code_verifier_mismatch -5    code_verifier wrong
--- @status code_verifier_unexpected -6  code_verifier sent for a code without challenge
--- @status code_reused -7               code used before: the token it gave is revoked
--- @status grant_collision -8           the grant belongs to someone else (colliding ids)
--- @status audience_widened -9          a resource the user did not grant (RFC 8707 §2.2)
--- @include "grant"
local rcall = redis.call
local codeKey, grant = KEYS[1], KEYS[2]
local now = tonumber(ARGV[8])

local client, redirectUri, redirectGiven, challenge, method, body, identity, used, usedFamily, consentedAt = unpack(
  rcall('HMGET', codeKey, 'client', 'redirect_uri', 'redirect_given', 'challenge', 'method', 'body', 'grant', 'used', 'family', 'at')
)
-- A code saved by an older version has no grant identity: it cannot be exchanged.
if not client or not identity then
  return STATUS.unknown_code
end
if client ~= ARGV[1] then
  return STATUS.client_mismatch
end
if redirectGiven == '1' or ARGV[2] ~= '' then
  if ARGV[2] ~= redirectUri then
    return STATUS.redirect_uri_mismatch
  end
end
if challenge then
  if ARGV[4] == '' then
    return STATUS.code_verifier_missing
  end
  local presented = ARGV[3]
  if method == 'plain' then
    presented = ARGV[4]
  end
  if presented ~= challenge then
    return STATUS.code_verifier_mismatch
  end
elseif ARGV[4] ~= '' then
  return STATUS.code_verifier_unexpected
end
-- Only a request that passed every check above may trigger the revocation: otherwise anyone who
-- saw a used code in a URL could revoke a public client's token by naming its client_id.
if used then
  local issued = rcall('HGET', grant, used)
  if issued and isLive(used, issued, now) then
    revokeField(grant, used, ARGV[10], tonumber(ARGV[11]), now, tonumber(ARGV[9]))
  end
  if usedFamily then
    revokeFamily(grant, usedFamily, ARGV[10], tonumber(ARGV[11]), now, tonumber(ARGV[9]))
  end
  return STATUS.code_reused
end

-- The token may be for part of what the user granted; the family keeps the whole grant.
local scope, extras, granted = splitBody(body)
local audience = narrowAudience(granted, ARGV[16])
if not audience then
  return STATUS.audience_widened
end
local tokenBody = joinBody(scope, extras, audience)

local familyId = ARGV[12]
local family = nil
if familyId ~= '' then
  if rcall('HEXISTS', grant, '~' .. familyId) == 1 then
    return STATUS.grant_collision
  end
  local idleTtl = tonumber(ARGV[15])
  family = {
    expiresAt = (tonumber(consentedAt) or now) + tonumber(ARGV[14]),
    idleUntil = idleTtl > 0 and now + idleTtl or nil,
    current = ARGV[13],
    body = body,
  }
  -- A consent older than the family's lifetime starts none (and the token is not tagged).
  if familyEnd(family) <= now then
    family = nil
  end
end
local head = ARGV[6]
if familyId ~= '' and not family then
  head = string.gsub(head, ',[%w_-]+\31$', '\31')
end
if not storeToken(grant, identity, ARGV[5], head .. tokenBody, tonumber(ARGV[7]), now, tonumber(ARGV[9])) then
  return STATUS.grant_collision
end
if family then
  startFamily(grant, familyId, family, now)
  rcall('HSET', codeKey, 'used', ARGV[5], 'family', familyId)
else
  rcall('HSET', codeKey, 'used', ARGV[5])
end
return { STATUS.exchanged, tokenBody, identity, family and 1 or 0 }
