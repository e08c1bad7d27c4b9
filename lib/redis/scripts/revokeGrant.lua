-- Revokes every live token of one grant (one user, one client) and forgets its codes not yet
-- exchanged: its cost follows the grant's own tokens, never the number of tokens in Redis.
-- Runs in the grant's slot, so a token being issued at the same moment is either revoked here
-- or issued after this returns.
--
-- KEYS[1]  the grant's token set
-- KEYS[2]  the grant's code set
-- ARGV[1]  the prefix of the grant's token keys
-- ARGV[2]  lifetime in seconds of the tombstones
-- ARGV[3]  the prefix of the grant's code keys
-- ARGV[4]  now, seconds since the epoch
-- Returns  how many live tokens were revoked
local rcall = redis.call
local now = tonumber(ARGV[4])
local revoked = 0
for _, member in ipairs(rcall('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. member
  local token = rcall('GET', key)
  if token and token ~= '0' then
    local decoded, record = pcall(cjson.decode, token)
    if decoded and (record[3] == 0 or record[3] > now) then
      rcall('SET', key, '0', 'EX', ARGV[2])
      revoked = revoked + 1
    end
  end
end
for _, member in ipairs(rcall('SMEMBERS', KEYS[2])) do
  rcall('DEL', ARGV[3] .. member)
end
rcall('DEL', KEYS[1], KEYS[2])
return revoked
