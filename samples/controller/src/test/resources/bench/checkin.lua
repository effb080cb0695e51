-- wrk script of the controller check-in benchmark: every request is one device's check-in,
-- POST /api/v1/updates/check with that device's bearer token; devices are taken round robin.
-- Usage: wrk -s checkin.lua URL -- REQUESTS_FILE
-- REQUESTS_FILE holds one device per line: "<token>\t<check-in JSON>".

local devices = {}
local next_index = 1

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in file:lines() do
    local tab = line:find("\t", 1, true)
    if tab then
      devices[#devices + 1] = {
        token = line:sub(1, tab - 1),
        body = line:sub(tab + 1),
      }
    end
  end
  file:close()
  -- Threads start at different devices so they do not walk the fleet in step.
  next_index = (math.random(#devices) % #devices) + 1
end

function request()
  local d = devices[next_index]
  next_index = next_index % #devices + 1
  return wrk.format("POST", "/api/v1/updates/check", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. d.token,
  }, d.body)
end
