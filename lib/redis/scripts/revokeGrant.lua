-- Revokes every token of one grant (one user, one client): its cost follows the grant's own
-- tokens, never the number of tokens in Redis. Runs in the grant's slot, so a token being
-- issued at the same moment is either revoked here or issued after this returns.
--
-- KEYS[1]  the grant's token set
-- ARGV[1]  the prefix of the grant's token keys
-- ARGV[2]  lifetime in seconds of the tombstones
-- Returns  how many live tokens were revoked
local rcall = redis.call
local revoked = 0
for _, member in ipairs(rcall('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. member
  local token = rcall('GET', key)
  if token and token ~= '0' then
    rcall('SET', key, '0', 'EX', ARGV[2])
    revoked = revoked + 1
  end
end
rcall('DEL', KEYS[1])
return revoked
