-- One page of a user's index of grants, in client id order, leaving out (and forgetting) the
-- grants whose every token has expired by the summary's own reckoning. The caller checks the
-- rest against their grants, which live in other slots.
--
-- KEYS[1]  the user's hash: client id -> the grant's summary (JSON)
-- KEYS[2]  the user's sorted set of client ids
-- ARGV[1]  the client id the page starts after; '' for the first page
-- ARGV[2]  how many client ids to read
-- ARGV[3]  now, seconds since the epoch
-- Returns  { the last client id read or '' at the end, client id, summary, client id, ... }
local grants, clients = KEYS[1], KEYS[2]
local limit, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local from = ARGV[1] == '' and '-' or '(' .. ARGV[1]
local ids = redis.call('ZRANGEBYLEX', clients, from, '+', 'LIMIT', 0, limit)
local page = { #ids == limit and ids[#ids] or '' }
for _, client in ipairs(ids) do
  local stored = redis.call('HGET', grants, client)
  local live = false
  if stored then
    local untilAt = tonumber(string.match(stored, '"u":(%d+)'))
    live = untilAt ~= nil and (untilAt == 0 or untilAt > now)
  end
  if live then
    page[#page + 1] = client
    page[#page + 1] = stored
  else
    redis.call('ZREM', clients, client)
    redis.call('HDEL', grants, client)
  end
end
return page
