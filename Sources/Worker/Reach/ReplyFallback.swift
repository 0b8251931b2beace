import Shared

/// How a reply reaches the user when no customer-service message can (the window is closed or its
/// allowance spent): a subscribe message when the user accepted one of its template, else a template
/// message, else the dead letter with the reason. Written the same way in the rules (YAML) and in a
/// webhook answer (JSON):
///
/// ```yaml
/// fallback:
///   subscribe: {id: SUBSCRIBE_TEMPLATE_ID, data: {thing1: "{{reply}}"}, page: "https://example.com/inbox"}
///   template: {id: TEMPLATE_ID, data: {thing1: "New reply", time2: "now"}, url: "https://example.com/inbox"}
/// ```
struct ReplyFallback: Sendable, Hashable {
    var subscribe: SubscribeMessage?
    var template: TemplateMessage?

    var isEmpty: Bool { subscribe == nil && template == nil }

    /// Reads `{subscribe?, template?}`; `problem` names what is wrong.
    init(json: JSONValue) throws(ReplyFallbackError) {
        guard let object = json.object else { throw ReplyFallbackError("fallback must be a mapping with template and/or subscribe") }
        for key in object.keys where key != "template" && key != "subscribe" {
            throw ReplyFallbackError("unknown key '\(key)' in fallback (expected template, subscribe)")
        }
        if let template = object["template"] {
            let fields = try Self.fields(template, "template", targets: ["url"])
            self.template = TemplateMessage(templateID: fields.id, data: fields.data, url: fields.targets["url"], miniProgram: fields.miniProgram)
        }
        if let subscribe = object["subscribe"] {
            let fields = try Self.fields(subscribe, "subscribe", targets: ["page"])
            self.subscribe = SubscribeMessage(templateID: fields.id, data: fields.data, page: fields.targets["page"], miniProgram: fields.miniProgram)
        }
        guard !isEmpty else { throw ReplyFallbackError("fallback needs template or subscribe") }
    }

    init(subscribe: SubscribeMessage? = nil, template: TemplateMessage? = nil) {
        self.subscribe = subscribe
        self.template = template
    }

    private static func fields(
        _ json: JSONValue, _ name: String, targets: Set<String>
    ) throws(ReplyFallbackError) -> (id: String, data: [FallbackField], targets: [String: String], miniProgram: MiniProgramTarget?) {
        guard let object = json.object else { throw ReplyFallbackError("\(name) must be a mapping with id and data") }
        for key in object.keys where !(["id", "data", "miniprogram"] as Set).union(targets).contains(key) {
            throw ReplyFallbackError("unknown key '\(key)' in \(name) (expected id, data, \(targets.sorted().joined(separator: ", ")), miniprogram)")
        }
        guard let id = object["id"]?.string, !id.isEmpty else { throw ReplyFallbackError("\(name) needs id (the template_id)") }
        guard let dataObject = object["data"]?.object else { throw ReplyFallbackError("\(name) needs data (keyword: value)") }
        var data: [FallbackField] = []
        for key in dataObject.keys.sorted() {
            let entry = dataObject[key]
            guard let value = entry?.string ?? entry?.object?["value"]?.string ?? entry?.int.map(String.init) else {
                throw ReplyFallbackError("\(name) data.\(key) must be a text")
            }
            data.append(FallbackField(key: key, value: value))
        }
        var found: [String: String] = [:]
        for target in targets {
            if let value = object[target] {
                guard let text = value.string else { throw ReplyFallbackError("\(name) \(target) must be a text") }
                found[target] = text
            }
        }
        var miniProgram: MiniProgramTarget?
        if let program = object["miniprogram"] {
            guard let appID = program.object?["appid"]?.string, let path = program.object?["pagepath"]?.string else {
                throw ReplyFallbackError("\(name) miniprogram needs appid and pagepath")
            }
            miniProgram = MiniProgramTarget(appID: appID, pagePath: path)
        }
        return (id, data, found, miniProgram)
    }
}
