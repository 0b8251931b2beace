import Shared

/// The checks WeChat's `menu/create` and `menu/addconditional` make, as errcodes: the first violation
/// found is what the fake answers (WeChat too reports one problem per call).
enum FakeMenuRules {
    static let keyTypes: Set<String> = ["click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select"]
    static let urlTypes: Set<String> = ["view", "miniprogram"]
    static let mediaTypes: Set<String> = ["media_id", "view_limited"]
    static let articleTypes: Set<String> = ["article_id", "article_view_limited"]

    /// The errcode for a request body (nil: acceptable): 65318 not UTF-8, 40033 `\uXXXX` escapes of
    /// non-ASCII characters, 47001 not JSON.
    static func bodyErrcode(_ body: [UInt8]) -> Int? {
        guard String(validating: body, as: UTF8.self) != nil else { return 65318 }
        var index = 0
        while index + 5 < body.count {
            if body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u"),
                let value = UInt32(String(decoding: body[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16), value >= 0x80
            {
                return 40033
            }
            index += body[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// The errcode for a `button` list (nil: WeChat would take it).
    static func buttonsErrcode(_ buttons: JSONValue?) -> Int? {
        guard let list = buttons?.array, (1...3).contains(list.count) else { return 40016 }
        for item in list {
            guard let button = item.object else { return 40016 }
            if let subs = button["sub_button"]?.array, !subs.isEmpty {
                guard subs.count <= 5 else { return 40023 }
                guard let name = button["name"]?.string, (1...16).contains(name.utf8.count) else { return 40018 }
                for sub in subs {
                    guard let object = sub.object else { return 40024 }
                    if let code = leafErrcode(object, isSub: true) { return code }
                }
            } else if let code = leafErrcode(button, isSub: false) {
                return code
            }
        }
        return nil
    }

    private static func leafErrcode(_ button: [String: JSONValue], isSub: Bool) -> Int? {
        guard let type = button["type"]?.string, keyTypes.contains(type) || urlTypes.contains(type) || mediaTypes.contains(type) || articleTypes.contains(type) else {
            return isSub ? 40024 : 40017
        }
        guard let name = button["name"]?.string, (1...(isSub ? 60 : 16)).contains(name.utf8.count) else { return isSub ? 40025 : 40018 }
        func present(_ field: String, _ limit: Int) -> Bool { (1...limit).contains(button[field]?.string?.utf8.count ?? 0) }
        if keyTypes.contains(type), !present("key", 128) { return isSub ? 40026 : 40019 }
        if urlTypes.contains(type), !present("url", 1024) { return isSub ? 40027 : 40020 }
        if mediaTypes.contains(type), !present("media_id", 256) { return 40097 }
        if articleTypes.contains(type), !present("article_id", 256) { return 40097 }
        if type == "miniprogram", !present("appid", 64) || !present("pagepath", 1024) { return 40097 }
        return nil
    }

    /// The errcode for a conditional menu's `matchrule` (nil: acceptable).
    static func matchRuleErrcode(_ rule: JSONValue?) -> Int? {
        guard let fields = rule?.object else { return 40097 }
        let given = fields.filter { !($0.value.string ?? "").isEmpty }
        if given.keys.contains(where: { ["sex", "country", "province", "city", "language"].contains($0) }) { return 65320 }
        guard !given.isEmpty, given.keys.allSatisfy({ ["tag_id", "group_id", "client_platform_type"].contains($0) }) else { return 40097 }
        return nil
    }
}
