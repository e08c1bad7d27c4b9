-- Records in a user's index of grants (see user-grant-store.ts) that a token was issued to a
-- client, or that the user consented to it, or both. The index is the user's own key: its cost
-- follows that user's grants, never anyone else's.
--
-- KEYS[1]  the user's hash: client id -> the entry (see userGrant.lua)
-- ARGV[1]  the client id
-- ARGV[2]  now, seconds since the epoch
-- ARGV[3]  until when what was issued or consented to now may live (0: for ever)
-- ARGV[4]  the scopes issued or consented to now, space-separated
-- ARGV[5]  '1' when a token was issued now
-- ARGV[6]  '1' when the user consented now at the authorization endpoint
-- ARGV[7]  the resources of that consent, their tags space-separated; '.' for none
-- Returns  1
--- @include "userGrant"
local grants, client = KEYS[1], ARGV[1]
local now, untilAt = tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl = redis.call('TTL', grants)
local entry = parseEntry(redis.call('HGET', grants, client))
-- An entry past its time is a grant that ended (listUserGrants forgets it): what is recorded now
-- starts a new one, rather than reviving its scopes, consent and first grant time.
if entry and entryEnded(entry, now) then
  entry = nil
end
entry = entry or { f = now, u = untilAt, s = '' }

-- The words of `a` and `b` together, each once, in a stable order.
local function union(a, b)
  local seen, words = {}, {}
  for word in string.gmatch((a or '') .. ' ' .. (b or ''), '%S+') do
    if not seen[word] then
      seen[word] = true
      words[#words + 1] = word
    end
  end
  table.sort(words)
  return table.concat(words, ' ')
end

entry.s = union(entry.s, ARGV[4])
if ARGV[5] == '1' then
  entry.l = now
end
if ARGV[6] == '1' then
  entry.c = entry.c or {}
  for tag in string.gmatch(ARGV[7], '%S+') do
    entry.c[tag] = union(entry.c[tag], ARGV[4])
  end
end
if entry.u ~= 0 and (untilAt == 0 or untilAt > entry.u) then
  entry.u = untilAt
end
redis.call('HSET', grants, client, formatEntry(entry))
-- The key lives as long as its longest grant: one for ever keeps it, else the latest end.
if untilAt == 0 then
  if ttl >= 0 then
    redis.call('PERSIST', grants)
  end
elseif ttl == -2 or (ttl >= 0 and ttl < untilAt + KEY_SLACK - now) then
  redis.call('EXPIREAT', grants, untilAt + KEY_SLACK)
end
return 1
