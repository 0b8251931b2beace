-- wrk: POST pre-built requests from a file of `<query>\t<body>` lines (made by `ingress-bench safe-requests`),
-- each thread taking every n-th line so no request is sent twice.
-- usage: wrk -s replay.lua URL -- FILE THREADS
local threads = {}
local next_id = 0

function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

function init(args)
    local stride = tonumber(args[2])
    lines = {}
    local index = 0
    for line in io.lines(args[1]) do
        if index % stride == tid then
            local tab = line:find("\t", 1, true)
            table.insert(lines, {line:sub(1, tab - 1), line:sub(tab + 1)})
        end
        index = index + 1
    end
    position = 0
    ok = 0
end

function request()
    position = position + 1
    local item = lines[(position - 1) % #lines + 1]
    return wrk.format("POST", "/wechat?" .. item[1], {["Content-Type"] = "text/xml"}, item[2])
end

function response(status, headers, body)
    if status == 200 then ok = ok + 1 end
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("ok") end
    io.write(string.format("ok200 %d\n", total))
end
