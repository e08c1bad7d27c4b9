-- Records a new token in its grant's set (for revokeGrant) and keeps the set alive at least as
-- long as the token. First drops up to two members whose token is gone (expired), so that a
-- grant in constant use does not grow without bound; the cost stays constant per token.
local function addToGrant(grantSet, tokenHash, keyTtl, tokenKeyPrefix)
  for _, member in ipairs(redis.call('SRANDMEMBER', grantSet, 2)) do
    if redis.call('EXISTS', tokenKeyPrefix .. member) == 0 then
      redis.call('SREM', grantSet, member)
    end
  end
  local isNew = redis.call('EXISTS', grantSet) == 0
  redis.call('SADD', grantSet, tokenHash)
  if keyTtl == 0 then
    redis.call('PERSIST', grantSet)
  else
    local current = redis.call('TTL', grantSet)
    if isNew or (current >= 0 and current < keyTtl) then
      redis.call('EXPIRE', grantSet, keyTtl)
    end
  end
end
