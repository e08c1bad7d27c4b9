-- Exchanges an authorization code for an access token, at most once (RFC 6749 §4.1.3).
-- The checks and the exchange are one script, so parallel requests with one code yield one
-- token; a code presented again revokes the token it gave (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
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
-- Returns   {1, body, grant identity} when exchanged; -1 no such code, -2 code of another client,
--           -3 redirect_uri mismatch, -4 code_verifier missing, -5 code_verifier wrong,
--           -6 code_verifier sent for a code without challenge, -7 code used before,
--           -8 the grant belongs to someone else (colliding ids): nothing changed
--- @include "grant"
local rcall = redis.call
local codeKey, grant = KEYS[1], KEYS[2]
local now = tonumber(ARGV[8])

local client, redirectUri, redirectGiven, challenge, method, body, identity, used = unpack(
  rcall('HMGET', codeKey, 'client', 'redirect_uri', 'redirect_given', 'challenge', 'method', 'body', 'grant', 'used')
)
-- A code saved by an older version has no grant identity: it cannot be exchanged.
if not client or not identity then
  return -1
end
if client ~= ARGV[1] then
  return -2
end
if redirectGiven == '1' or ARGV[2] ~= '' then
  if ARGV[2] ~= redirectUri then
    return -3
  end
end
if challenge then
  if ARGV[4] == '' then
    return -4
  end
  local presented = ARGV[3]
  if method == 'plain' then
    presented = ARGV[4]
  end
  if presented ~= challenge then
    return -5
  end
elseif ARGV[4] ~= '' then
  return -6
end
-- Only a request that passed every check above may trigger the revocation: otherwise anyone who
-- saw a used code in a URL could revoke a public client's token by naming its client_id.
if used then
  local issued = rcall('HGET', grant, used)
  if issued and isLive(issued, now) then
    revokeField(grant, used, ARGV[10], tonumber(ARGV[11]), now, tonumber(ARGV[9]))
  end
  return -7
end

if not storeToken(grant, identity, ARGV[5], ARGV[6] .. body, tonumber(ARGV[7]), now, tonumber(ARGV[9])) then
  return -8
end
rcall('HSET', codeKey, 'used', ARGV[5])
return { 1, body, identity }
