-- wrk: POST distinct plaintext WeChat text pushes (a new MsgId per request), signed for the run's timestamp.
-- usage: wrk -s plaintext.lua URL -- TOKEN_SIGNATURE TIMESTAMP MSGID_BASE
local threads = {}
local next_id = 0

function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

function init(args)
    query = "/wechat?signature=" .. args[1] .. "&timestamp=" .. args[2] .. "&nonce=1&openid=oBench"
    base = tonumber(args[3]) + tid * 100000000
    counter = 0
    ok = 0
end

template = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench%d]]></FromUserName>" ..
    "<CreateTime>1714036504</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello %d]]></Content>" ..
    "<MsgId>%d</MsgId></xml>"

function request()
    counter = counter + 1
    local id = base + counter
    return wrk.format("POST", query, {["Content-Type"] = "text/xml"}, string.format(template, id % 1000, id, id))
end

function response(status, headers, body)
    if status == 200 then ok = ok + 1 end
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("ok") end
    io.write(string.format("ok200 %d\n", total))
end
