import ArgumentParser
import Shared
import WeChatFake

/// `wxsim api`'s flags for reaching users outside the reply window: the account's templates, and where
/// the fake pushes each template's `TEMPLATESENDJOBFINISH` receipt (the ingress, signed and encrypted
/// like WeChat with the account's Token and EncodingAESKey: `WECHAT_TOKEN`, `WECHAT_AES_KEY`, else the demo's).
struct ReachAPIOptions: ParsableArguments {
    @Option(name: .customLong("template"), help: "TEMPLATE_ID:keyword,keyword — a template the account has (repeatable; default TPL_DEMO:thing1,time2).")
    var templates: [String] = ["TPL_DEMO:thing1,time2"]

    @Option(name: .customLong("receipts-to"), help: "Push TEMPLATESENDJOBFINISH receipts to this account URL (e.g. http://127.0.0.1:8080/wechat).")
    var receiptsTo: String?

    func validate() throws {
        _ = try parsedTemplates()
    }

    /// Adds the templates and the receipt pusher to `fake`.
    func apply(to fake: FakeWeChatAPI, appID: String) throws {
        for (id, keywords) in try parsedTemplates() { fake.addTemplate(id, keywords: keywords) }
        guard let receiptsTo else { return }
        let reader = EnvironmentReader(ProcessEnvironment.variables(overriding: [:]))
        let usesDemo = appID == DemoAccount.appID
        let pusher = try WeChatPusher(
            endpoint: receiptsTo, token: reader.string("WECHAT_TOKEN") ?? DemoAccount.token, appID: appID,
            encodingAESKey: reader.string("WECHAT_AES_KEY") ?? (usesDemo ? DemoAccount.encodingAESKey : nil),
            originalID: reader.string("WECHAT_ORIGINAL_ID") ?? DemoAccount.originalID)
        fake.pushReceipts(with: pusher)
    }

    private func parsedTemplates() throws -> [(String, [String])] {
        try templates.map { entry in
            guard let colon = entry.firstIndex(of: ":"), colon > entry.startIndex else {
                throw ValidationError("--template must be TEMPLATE_ID:keyword,keyword (got '\(entry)')")
            }
            return (String(entry[..<colon]), entry[entry.index(after: colon)...].split(separator: ",").map(String.init))
        }
    }
}
