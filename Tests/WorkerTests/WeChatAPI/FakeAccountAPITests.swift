import AsyncHTTPClient
import Logging
import Shared
import TestSupport
import Testing
import WeChatFake

/// The fake's account endpoints answer WeChat's errcodes, so the commands' error paths are real.
@Suite struct FakeAccountAPITests {
    /// A fake for a new AppID and an ``AccountAPI`` on it, its token shared through the test Redis.
    static func start() async throws -> (FakeWeChatAPI, RedisClient, AccountAPI) {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        let client = WeChatAPIClient(baseURL: fake.baseURL, httpClient: .shared)
        return (fake, redis, AccountAPI(tokens: AccessTokenProvider(redis: redis, api: client, appID: appID, secret: WorkerHarness.secret)))
    }

    func errcode(_ call: () async throws(WeChatAPIError) -> Void) async -> Int? {
        do {
            try await call()
            return 0
        } catch {
            return error.errcode
        }
    }

    @Test func menuLimitsAndErrcodes() async throws {
        let (fake, redis, api) = try await Self.start()
        defer { redis.close() }
        func button(_ name: String, type: String = "click") -> JSONValue { .object(["type": .string(type), "name": .string(name), "key": .string("K")]) }
        func create(_ buttons: [JSONValue]) async -> Int? {
            await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/menu/create", object: .object(["button": .array(buttons)])) }
        }
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.get("/cgi-bin/menu/get") } == 46003)
        #expect(await create([button("a"), button("b"), button("c"), button("d")]) == 40016)
        #expect(await create([button("六个汉字名字")]) == 40018)
        #expect(await create([button("a", type: "clik")]) == 40017)
        #expect(await create([.object(["type": .string("view"), "name": .string("v"), "key": .string("K")])]) == 40020)
        let subs = JSONValue.object(["name": .string("m"), "sub_button": .array((1...6).map { button("s\($0)") })])
        #expect(await create([subs]) == 40023)
        let escaped = Array(#"{"button":[{"type":"click","name":"\u4eca\u65e5","key":"K"}]}"#.utf8)
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/menu/create", json: escaped) } == 40033)
        let conditional = JSONValue.object(["button": .array([button("c")]), "matchrule": .object(["tag_id": .string("2")])])
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/menu/addconditional", object: conditional) } == 65303)
        #expect(await create([button("今日")]) == 0)
        let privacy = JSONValue.object(["button": .array([button("c")]), "matchrule": .object(["sex": .string("1")])])
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/menu/addconditional", object: privacy) } == 65320)
        let added = try await api.post("/cgi-bin/menu/addconditional", object: conditional)
        #expect(added["menuid"]?.string != nil)
        let menu = try await api.get("/cgi-bin/menu/get")
        #expect(menu["menu"]?.object?["button"]?.array?.first?.object?["name"]?.string == "今日")
        #expect(menu["conditionalmenu"]?.array?.count == 1)
        await fake.stop()
    }

    @Test func qrCodesCallbackIPsAndProfiles() async throws {
        let (fake, redis, api) = try await Self.start()
        defer { redis.close() }
        func qr(_ body: JSONValue) async -> Int? {
            await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/qrcode/create", object: body) }
        }
        let scene = JSONValue.object(["scene": .object(["scene_str": .string("abc")])])
        #expect(await qr(.object(["action_name": .string("QR_STR_SCENE"), "action_info": scene, "expire_seconds": .number(2_592_001)])) == 40097)
        #expect(await qr(.object(["action_name": .string("QR_FANCY"), "action_info": scene])) == 40097)
        #expect(await qr(.object(["action_name": .string("QR_LIMIT_SCENE"), "action_info": .object(["scene": .object(["scene_id": .number(100_001)])])])) == 40097)
        let made = try await api.post("/cgi-bin/qrcode/create", object: .object(["action_name": .string("QR_STR_SCENE"), "action_info": scene]))
        #expect(made["expire_seconds"]?.int == 60)
        #expect(fake.account.qrCodes[made["ticket"]?.string ?? ""]?.scene == "abc")

        fake.account.callbackIPs = ["203.0.113.9"]
        #expect(try await api.get("/cgi-bin/getcallbackip")["ip_list"] == .array([.string("203.0.113.9")]))

        fake.account.setProfile("o_vip", ["remark": .string("VIP"), "tagid_list": .array([.number(2)])])
        let one = try await api.get("/cgi-bin/user/info", query: [("openid", "o_vip"), ("lang", "zh_CN")])
        #expect(one["remark"]?.string == "VIP")
        #expect(one["nickname"]?.string == "", "no nickname since 2021-12-27")
        let many = try await api.post("/cgi-bin/user/info/batchget", object: .object(["user_list": .array((1...3).map { .object(["openid": .string("o_\($0)")]) })]))
        #expect(many["user_info_list"]?.array?.count == 3)
        let tooMany = JSONValue.object(["user_list": .array((1...101).map { .object(["openid": .string("o_\($0)")]) })])
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.post("/cgi-bin/user/info/batchget", object: tooMany) } == 40097)
        fake.account.userInfoErrcode = -1
        #expect(await errcode { () async throws(WeChatAPIError) in _ = try await api.get("/cgi-bin/user/info", query: [("openid", "o_vip")]) } == -1)
        await fake.stop()
    }
}
