-- One client's entry in a user's index of grants (see user-grant-store.ts):
-- '<first>\31<last issued>\31<live until>\31<scopes>[\31<consents>]', times in base 36 (last
-- issued '' until a token is recorded; live until 0 for ever), scopes space-separated. Consents
-- are what the user allowed at the authorization endpoint, per resource: '<tag>\30<scopes>'
-- items joined by '\29', the tag a resource's stored tag or '.' for a request that named none;
-- absent when the user never consented there (the password grant). Per resource, so that
-- allowing one scope at one resource and another at another allows neither at both (RFC 8707).
-- Short, so that a user's hash stays a listpack (values of at most 64 bytes).
--- @include "base36"

-- Seconds a user's hash outlives its longest entry: Redis expires it by its own clock, which may
-- differ a little from the application's, by which the entries' times are written and read.
local KEY_SLACK = 60

-- The entry stored as `value`, or nil when there is none (or it cannot be read).
local function parseEntry(value)
  if not value then
    return nil
  end
  local first, last, untilAt, scopes, rest = string.match(value, '^(%w+)\31(%w*)\31(%w+)\31([^\31]*)(.*)$')
  if not first then
    return nil
  end
  local entry = {
    f = tonumber(first, 36),
    l = last ~= '' and tonumber(last, 36) or nil,
    u = tonumber(untilAt, 36),
    s = scopes,
  }
  if rest ~= '' then
    local consents = string.match(rest, '^\31([^\31]+)$')
    if not consents then
      return nil
    end
    -- Every item whole: none empty, at either end or between two separators.
    if string.find(consents, '^\29') or string.find(consents, '\29$') or string.find(consents, '\29\29') then
      return nil
    end
    entry.c = {}
    for item in string.gmatch(consents, '[^\29]+') do
      local tag, allowed = string.match(item, '^([^\30]+)\30([^\30]*)$')
      if not tag then
        return nil
      end
      entry.c[tag] = allowed
    end
  end
  return entry
end

local function formatEntry(entry)
  local value = base36(entry.f) .. '\31' .. (entry.l and base36(entry.l) or '') .. '\31' ..
    base36(entry.u) .. '\31' .. entry.s
  if entry.c then
    local tags = {}
    for tag in pairs(entry.c) do
      tags[#tags + 1] = tag
    end
    table.sort(tags)
    local items = {}
    for i, tag in ipairs(tags) do
      items[i] = tag .. '\30' .. entry.c[tag]
    end
    value = value .. '\31' .. table.concat(items, '\29')
  end
  return value
end

-- Whether every token the entry recorded has ended by its own reckoning.
local function entryEnded(entry, now)
  return entry.u ~= 0 and entry.u <= now
end

-- Gives the user's hash the lifetime of its longest entry, once an entry is gone: the entry that
-- kept it for ever may have been that one.
local function retime(grants)
  local latest = nil
  for _, value in ipairs(redis.call('HVALS', grants)) do
    local entry = parseEntry(value)
    if entry and (entry.u == 0 or latest == nil or (latest ~= 0 and entry.u > latest)) then
      latest = entry.u
    end
  end
  if latest == 0 then
    redis.call('PERSIST', grants)
  elseif latest ~= nil then
    redis.call('EXPIREAT', grants, latest + KEY_SLACK)
  end
end
