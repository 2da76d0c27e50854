-- A wrk script that asks for the paths listed in a file, one per line, in turn:
--   wrk -s bench/wrk_rotation.lua URL -- PATHS_FILE
-- Each thread starts at its own place in the list, so the threads do not ask for the same page
-- at the same moment. Reports like wrk_report.lua.
dofile(debug.getinfo(1, "S").source:sub(2):gsub("wrk_rotation%.lua$", "wrk_report.lua"))

local paths = {}
local position = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("offset", threads)
end

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. args[1]) end
  position = ((offset or 1) - 1) * math.floor(#paths / 4)
end

request = function()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
