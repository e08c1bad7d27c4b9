-- One client's entry in a user's index of grants (see user-grant-store.ts):
-- '<first>\31<last issued>\31<live until>\31<scopes>[\31<consented scopes>\31<resources>]', times
-- in base 36 (last issued '' until a token is recorded; live until 0 for ever), scopes
-- space-separated, consented scopes '\30' when they are the scopes, resources the consented
-- resources' tags with '.' for none. The consent's two parts are absent when the user never
-- consented at the authorization endpoint (the password grant). Short, so that a user's hash
-- stays a listpack (values of at most 64 bytes).
--- @include "base36"

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
    local consented, resources = string.match(rest, '^\31([^\31]*)\31([^\31]*)$')
    if not consented then
      return nil
    end
    entry.c = consented == '\30' and scopes or consented
    entry.r = resources
  end
  return entry
end

local function formatEntry(entry)
  local value = base36(entry.f) .. '\31' .. (entry.l and base36(entry.l) or '') .. '\31' ..
    base36(entry.u) .. '\31' .. entry.s
  if entry.c then
    value = value .. '\31' .. (entry.c == entry.s and '\30' or entry.c) .. '\31' .. entry.r
  end
  return value
end

-- Whether every token the entry recorded has ended by its own reckoning.
local function entryEnded(entry, now)
  return entry.u ~= 0 and entry.u <= now
end
