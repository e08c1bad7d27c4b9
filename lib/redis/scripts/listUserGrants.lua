-- One page of a user's index of grants, in client id order, leaving out (and forgetting) the
-- entries whose every token has ended by the entry's own reckoning. The caller checks the rest
-- against their grants, which live in other slots. Its cost follows the user's own grants.
--
-- KEYS[1]  the user's hash: client id -> the entry (see userGrant.lua)
-- ARGV[1]  the client id the page starts after; '' for the first page
-- ARGV[2]  how many entries to read
-- ARGV[3]  now, seconds since the epoch
-- Returns  { the client id the next page starts after, '' at the end; client id, entry, ... }
--- @include "userGrant"
local grants, after = KEYS[1], ARGV[1]
local limit, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local clients = redis.call('HKEYS', grants)
table.sort(clients)
local page, read, last, dropped = { '' }, 0, after, false
for _, client in ipairs(clients) do
  if client > after then
    if read == limit then
      page[1] = last
      break
    end
    read, last = read + 1, client
    local value = redis.call('HGET', grants, client)
    local entry = parseEntry(value)
    if entry and not entryEnded(entry, now) then
      page[#page + 1] = client
      page[#page + 1] = value
    else
      redis.call('HDEL', grants, client)
      dropped = true
    end
  end
end
if dropped then
  retime(grants)
end
return page
