import Hummingbird
import NIOCore
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account-management endpoints of the fake API, with WeChat's limits and errcodes, kept in
/// ``FakeWeChatAPI/account``: the custom menu (`menu/create`, `get`, `delete`, `addconditional`,
/// `delconditional`), parametric QR codes (`qrcode/create`, `showqrcode`), `getcallbackip`, and
/// followers' profiles (`user/info`, `user/info/batchget`, at most 100 per call).
extension FakeWeChatAPI {
    /// What an account endpoint answers: a JSON object, or an errcode.
    enum AccountAnswer {
        case object([String: JSONValue])
        case error(Int, String)

        static let ok = AccountAnswer.object(["errcode": .number(0), "errmsg": .string("ok")])
    }

    func registerAccountRoutes(on router: Router<BasicRequestContext>) {
        router.post("/cgi-bin/menu/create") { request, _ in await self.accountCall(request, path: "/cgi-bin/menu/create") { _, body in self.createMenu(body) } }
        router.get("/cgi-bin/menu/get") { request, _ in await self.accountCall(request, path: "/cgi-bin/menu/get") { _, _ in self.menuAnswer() } }
        router.get("/cgi-bin/menu/delete") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/menu/delete") { _, _ in
                self.account.store.withLock { store in
                    store.menu = nil
                    store.conditional = []
                }
                return .ok
            }
        }
        router.post("/cgi-bin/menu/addconditional") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/menu/addconditional") { _, body in self.addConditional(body) }
        }
        router.post("/cgi-bin/menu/delconditional") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/menu/delconditional") { _, body in
                guard let id = Self.object(body)?["menuid"]?.int else { return .error(40097, "invalid args") }
                return self.account.store.withLock { store in
                    guard let index = store.conditional.firstIndex(where: { $0.menuID == id }) else { return .error(65301, "no such conditional menu") }
                    store.conditional.remove(at: index)
                    return .ok
                }
            }
        }
        router.post("/cgi-bin/qrcode/create") { request, _ in await self.accountCall(request, path: "/cgi-bin/qrcode/create") { _, body in self.createQRCode(body) } }
        router.get("/cgi-bin/showqrcode") { request, _ in self.showQRCode(request) }
        router.get("/cgi-bin/getcallbackip") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/getcallbackip") { _, _ in
                .object(["ip_list": .array(self.account.callbackIPs.map(JSONValue.string))])
            }
        }
        router.get("/cgi-bin/user/info") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/user/info") { query, _ in
                if let code = self.account.userInfoErrcode { return .error(code, WeChatErrorCode(code).meaning ?? "error") }
                guard let openID = query["openid"], !openID.isEmpty else { return .error(40003, "invalid openid") }
                return .object(self.account.profile(of: openID))
            }
        }
        router.post("/cgi-bin/user/info/batchget") { request, _ in
            await self.accountCall(request, path: "/cgi-bin/user/info/batchget") { _, body in
                if let code = self.account.userInfoErrcode { return .error(code, WeChatErrorCode(code).meaning ?? "error") }
                guard let list = Self.object(body)?["user_list"]?.array, (1...100).contains(list.count) else {
                    return .error(40097, "invalid args: user_list holds 1 to 100 users")
                }
                var profiles: [JSONValue] = []
                for item in list {
                    guard let openID = item.object?["openid"]?.string, !openID.isEmpty else { return .error(40003, "invalid openid") }
                    profiles.append(.object(self.account.profile(of: openID)))
                }
                return .object(["user_info_list": .array(profiles)])
            }
        }
    }

    /// Checks the access_token like the other endpoints (41001 missing, 40001 unknown, 42001 expired),
    /// then answers with `handle`, recording the call.
    private func accountCall(
        _ request: Request, path: String, handle: @Sendable ([String: String], [UInt8]) -> AccountAnswer
    ) async -> Response {
        let arrived = WallClock.milliseconds()
        let body = await Self.body(of: request)
        await delay()
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        guard let token = query["access_token"], !token.isEmpty else {
            return answer(path: path, errcode: 41001, errmsg: "access_token missing", body: body, arrivedAt: arrived)
        }
        let (appID, tokenError) = state.withLock { state -> (String?, Int?) in
            guard let record = state.tokens[token] else { return (nil, 40001) }
            return (record.appID, record.expiresAt > .now ? nil : 42001)
        }
        if let tokenError {
            return answer(path: path, errcode: tokenError, errmsg: "invalid or expired access_token", appID: appID, body: body, arrivedAt: arrived)
        }
        let (errcode, object): (Int, [String: JSONValue])
        switch handle(query, body) {
        case .error(let code, let message): (errcode, object) = (code, ["errcode": .number(Double(code)), "errmsg": .string(message)])
        case .object(let answer): (errcode, object) = (0, answer)
        }
        record(FakeWeChatCall(path: path, status: 200, errcode: errcode, appID: appID, message: nil, body: String(decoding: body, as: UTF8.self), receivedAt: arrived))
        return Self.json(String(decoding: AccountAPI.encode(.object(object)), as: UTF8.self))
    }

    private func createMenu(_ body: [UInt8]) -> AccountAnswer {
        if let code = FakeMenuRules.bodyErrcode(body) { return .error(code, WeChatErrorCode(code).meaning ?? "invalid body") }
        guard let object = Self.object(body) else { return .error(47001, "data format error") }
        if let code = FakeMenuRules.buttonsErrcode(object["button"]) { return .error(code, WeChatErrorCode(code).meaning ?? "invalid menu") }
        account.store.withLock { store in
            store.menu = object["button"]
            store.menuID = store.nextMenuID
            store.nextMenuID += 1
        }
        return .ok
    }

    private func addConditional(_ body: [UInt8]) -> AccountAnswer {
        if let code = FakeMenuRules.bodyErrcode(body) { return .error(code, WeChatErrorCode(code).meaning ?? "invalid body") }
        guard let object = Self.object(body) else { return .error(47001, "data format error") }
        if let code = FakeMenuRules.buttonsErrcode(object["button"]) ?? FakeMenuRules.matchRuleErrcode(object["matchrule"]) {
            return .error(code, WeChatErrorCode(code).meaning ?? "invalid menu")
        }
        return account.store.withLock { store in
            guard store.menu != nil else { return .error(65303, "there is no default menu") }
            let id = store.nextMenuID
            store.nextMenuID += 1
            store.conditional.append(.init(menuID: id, buttons: object["button"] ?? .array([]), matchRule: object["matchrule"] ?? .object([:])))
            return .object(["menuid": .string(String(id))])
        }
    }

    /// `menu/get`'s answer: leaf buttons carry an empty `sub_button` list and matchrules every field, as
    /// WeChat's do.
    private func menuAnswer() -> AccountAnswer {
        account.store.withLock { store in
            guard let menu = store.menu else { return .error(46003, "menu no exist") }
            func padded(_ buttons: JSONValue) -> JSONValue {
                .array(
                    (buttons.array ?? []).map { item in
                        var button = item.object ?? [:]
                        button["sub_button"] = button["sub_button"].map(padded) ?? .array([])
                        return .object(button)
                    })
            }
            var answer: [String: JSONValue] = ["menu": .object(["button": padded(menu), "menuid": .number(Double(store.menuID))])]
            if !store.conditional.isEmpty {
                answer["conditionalmenu"] = .array(
                    store.conditional.map { conditional in
                        var rule: [String: JSONValue] = ["tag_id": .string(""), "client_platform_type": .string("")]
                        rule.merge(conditional.matchRule.object ?? [:]) { $1 }
                        return .object(["button": padded(conditional.buttons), "matchrule": .object(rule), "menuid": .number(Double(conditional.menuID))])
                    })
            }
            return .object(answer)
        }
    }

    private func createQRCode(_ body: [UInt8]) -> AccountAnswer {
        guard let object = Self.object(body), let action = object["action_name"]?.string else { return .error(47001, "data format error") }
        let scene = object["action_info"]?.object?["scene"]?.object
        let permanent = action.hasPrefix("QR_LIMIT_")
        let value: String
        switch action {
        case "QR_STR_SCENE", "QR_LIMIT_STR_SCENE":
            guard let text = scene?["scene_str"]?.string, (1...64).contains(text.utf8.count) else { return .error(40097, "invalid args: scene_str is 1 to 64 bytes") }
            value = text
        case "QR_SCENE", "QR_LIMIT_SCENE":
            guard let id = scene?["scene_id"]?.int, permanent ? (1...100_000).contains(id) : (id != 0 && id <= Int(UInt32.max)) else {
                return .error(40097, "invalid args: scene_id")
            }
            value = String(id)
        default:
            return .error(40097, "invalid action name")
        }
        let lifetime = object["expire_seconds"]?.int ?? 60
        guard permanent || (1...2_592_000).contains(lifetime) else { return .error(40097, "invalid args: expire_seconds is at most 2592000") }
        let ticket = "gQ" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        account.store.withLock { $0.qrCodes[ticket] = .init(scene: value, expiresAt: permanent ? nil : WallClock.seconds() + Int64(lifetime)) }
        var answer: [String: JSONValue] = ["ticket": .string(ticket), "url": .string("http://weixin.qq.com/q/" + String(ticket.dropFirst(2).prefix(16)))]
        if !permanent { answer["expire_seconds"] = .number(Double(lifetime)) }
        return .object(answer)
    }

    /// `showqrcode?ticket=`: a PNG for a live ticket (no access_token, as on mp.weixin.qq.com), else 404.
    private func showQRCode(_ request: Request) -> Response {
        let ticket = request.uri.queryParameters["ticket"].map(String.init) ?? ""
        let live = account.qrCodes[ticket].map { code in code.expiresAt.map { $0 > WallClock.seconds() } ?? true } ?? false
        record(FakeWeChatCall(path: "/cgi-bin/showqrcode", status: live ? 200 : 404, errcode: nil, appID: nil, message: nil, body: "", receivedAt: WallClock.milliseconds()))
        guard live else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.onePixelPNG)))
    }

    private static func object(_ body: [UInt8]) -> [String: JSONValue]? {
        try? JSONDecoder().decode([String: JSONValue].self, from: Data(body))
    }

    /// A valid 1×1 PNG: the fake does not draw QR codes.
    static let onePixelPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
        0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}
