-- Exchanges an authorization code for an access token, at most once (RFC 6749 §4.1.3).
-- The checks and the exchange are one script, so parallel requests with one code yield one
-- token; a code presented again revokes the token it gave (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
--
-- KEYS[1]   the code's hash
-- KEYS[2]   the new token's key
-- KEYS[3]   the grant's token set
-- ARGV[1]   the authenticated client id
-- ARGV[2]   redirect_uri of the token request, '' when absent
-- ARGV[3]   S256 of code_verifier, '' when absent
-- ARGV[4]   code_verifier, '' when absent
-- ARGV[5]   the new token's hash
-- ARGV[6]   the encoded token up to the code's body: the token is ARGV[6] .. body .. ARGV[7]
-- ARGV[7]   the end of the encoded token
-- ARGV[8]   the token key's lifetime in seconds; 0: no expiry
-- ARGV[9]   the prefix of the grant's token keys
-- ARGV[10]  lifetime in seconds of the tombstone left by a revocation
-- Returns   {1, body} when exchanged; -1 no such code, -2 code of another client,
--           -3 redirect_uri mismatch, -4 code_verifier missing, -5 code_verifier wrong,
--           -6 code_verifier sent for a code without challenge, -7 code used before
--- @include "addToGrant"
local rcall = redis.call
local codeKey, tokenKey, grantSet = KEYS[1], KEYS[2], KEYS[3]
local tokenKeyPrefix = ARGV[9]

local client, redirectUri, redirectGiven, challenge, method, body, used = unpack(
  rcall('HMGET', codeKey, 'client', 'redirect_uri', 'redirect_given', 'challenge', 'method', 'body', 'used')
)
if not client then
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
  local issued = tokenKeyPrefix .. used
  if rcall('EXISTS', issued) == 1 then
    rcall('SET', issued, '0', 'EX', ARGV[10])
  end
  rcall('SREM', grantSet, used)
  return -7
end

local keyTtl = tonumber(ARGV[8])
local token = ARGV[6] .. body .. ARGV[7]
if keyTtl > 0 then
  rcall('SET', tokenKey, token, 'EX', keyTtl)
else
  rcall('SET', tokenKey, token)
end
addToGrant(grantSet, ARGV[5], keyTtl, tokenKeyPrefix)
rcall('HSET', codeKey, 'used', ARGV[5])
return { 1, body }
