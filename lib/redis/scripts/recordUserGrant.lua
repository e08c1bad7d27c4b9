-- Records in a user's index of grants (see user-grant-store.ts) that a token was issued to a
-- client, or that the user consented to it, or both. The index is the user's own two keys: its
-- cost follows that user's grants, never anyone else's.
--
-- KEYS[1]  the user's hash: client id -> the grant's summary (JSON)
-- KEYS[2]  the user's sorted set of client ids, for listing in pages
-- ARGV[1]  the client id
-- ARGV[2]  now, seconds since the epoch
-- ARGV[3]  until when the grant lives at least (0: for ever), by what was issued now
-- ARGV[4]  the scopes issued or consented to now, space-separated
-- ARGV[5]  '1' when a token was issued now (the grant's last issuance moves)
-- ARGV[6]  '1' when the user consented now at the authorization endpoint
-- ARGV[7]  the resources of that consent, their tags space-separated; '.' for none
-- Returns  1
local grants, clients, client = KEYS[1], KEYS[2], ARGV[1]
local now, untilAt = tonumber(ARGV[2]), tonumber(ARGV[3])
local existed = redis.call('EXISTS', grants) == 1
local stored = redis.call('HGET', grants, client)
local record = stored and cjson.decode(stored)
-- An entry past its time is a grant that ended (listUserGrants forgets it): what is recorded now
-- starts a new one, rather than reviving its scopes, consent and first grant time.
if record and record.u ~= 0 and record.u <= now then
  record = nil
end
record = record or { f = now, u = untilAt, s = '' }

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

record.s = union(record.s, ARGV[4])
if ARGV[5] == '1' then
  record.l = now
end
if ARGV[6] == '1' then
  record.c = union(record.c, ARGV[4])
  record.r = union(record.r, ARGV[7])
end
if record.u ~= 0 and (untilAt == 0 or untilAt > record.u) then
  record.u = untilAt
end
redis.call('HSET', grants, client, cjson.encode(record))
redis.call('ZADD', clients, 0, client)
-- The keys live as long as their longest grant: a grant for ever keeps them, else the latest end.
if untilAt == 0 then
  redis.call('PERSIST', grants)
  redis.call('PERSIST', clients)
else
  local ttl = redis.call('TTL', grants)
  if not existed or (ttl >= 0 and ttl < untilAt - now) then
    redis.call('EXPIREAT', grants, untilAt)
    redis.call('EXPIREAT', clients, untilAt)
  end
end
return 1
