-- Revokes one live access token, leaving a tombstone so that a later check can say "revoked".
--
-- KEYS[1]  the token's key
-- KEYS[2]  the grant's token set
-- ARGV[1]  the token hash
-- ARGV[2]  lifetime in seconds of the tombstone
-- ARGV[3]  the client that must own the token (RFC 7009 §2.1); '' for any
-- ARGV[4]  now, seconds since the epoch
-- Returns  1 revoked, 0 unknown, expired or already revoked, -1 owned by another client
local rcall = redis.call
local token = rcall('GET', KEYS[1])
if not token or token == '0' then
  return 0
end
-- The encoded token is [version, iat, exp, client_id, scope, extras]; exp 0 never expires.
local decoded, record = pcall(cjson.decode, token)
if not decoded or (record[3] ~= 0 and record[3] <= tonumber(ARGV[4])) then
  return 0
end
if ARGV[3] ~= '' and record[4] ~= ARGV[3] then
  return -1
end
rcall('SET', KEYS[1], '0', 'EX', ARGV[2])
rcall('SREM', KEYS[2], ARGV[1])
return 1
