-- Forgets one grant in a user's index: when it was revoked, or found without a live token. With
-- ARGV[2], only if the summary is still that one, so that a token issued meanwhile keeps it.
--
-- KEYS[1]  the user's hash: client id -> the grant's summary (JSON)
-- KEYS[2]  the user's sorted set of client ids
-- ARGV[1]  the client id
-- ARGV[2]  the summary it must still have; '' for any
-- Returns  1 when it was forgotten, else 0
local grants, clients, client = KEYS[1], KEYS[2], ARGV[1]
if ARGV[2] ~= '' and redis.call('HGET', grants, client) ~= ARGV[2] then
  return 0
end
redis.call('ZREM', clients, client)
return redis.call('HDEL', grants, client)
