import ArgumentParser
import Shared

/// `worker qrcode create --scene VALUE [--expire 30d | --permanent]`: a parametric QR code
/// (`qrcode/create` with a string scene). Following the account through it sends `subscribe` with
/// `qrscene_VALUE`; scanning it as a follower sends `SCAN` with `VALUE`; rules' `scans: {VALUE: reply}`
/// answers both.
struct QRCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qrcode", abstract: "Create parametric QR codes (scene values for rules' scans:).", subcommands: [Create.self])

    /// `worker qrcode create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a QR code for a scene value; prints the ticket, its URL and the showqrcode link.")
        @Option(help: "The scene value, 1 to 64 bytes (rules match it in scans:).") var scene: String
        @Option(help: "How long a temporary code lives: 30d (the most), 12h, 10m, 600s.") var expire: String?
        @Flag(help: "A permanent code (at most 100,000 per account) instead of a temporary one.") var permanent = false
        @OptionGroup var account: AccountOptions

        static let maximumSeconds = 2_592_000

        func validate() throws {
            guard (1...64).contains(scene.utf8.count) else { throw ValidationError("--scene must be 1 to 64 bytes, got \(scene.utf8.count)") }
            guard !(permanent && expire != nil) else { throw ValidationError("choose --expire or --permanent, not both") }
            _ = try seconds()
        }

        /// `--expire` in seconds (30 days when not given).
        func seconds() throws -> Int {
            guard let expire else { return Self.maximumSeconds }
            let units: [(String, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
            for (suffix, factor) in units where expire.hasSuffix(suffix) {
                if let number = Int(expire.dropLast(suffix.count)), number > 0, number <= Self.maximumSeconds / factor {
                    return number * factor
                }
            }
            throw ValidationError("--expire must be a duration up to 30d such as 30d, 12h, 10m or 600s, got '\(expire)'")
        }

        func run() async throws {
            var body: [String: JSONValue] = [
                "action_name": .string(permanent ? "QR_LIMIT_STR_SCENE" : "QR_STR_SCENE"),
                "action_info": .object(["scene": .object(["scene_str": .string(scene)])]),
            ]
            if !permanent { body["expire_seconds"] = .number(Double(try seconds())) }
            let session = try account.session(command: "qrcode create")
            let base = session.api.client.baseURL
            let answer = try await session.run("qrcode create") { api in
                do {
                    return try await api.post("/cgi-bin/qrcode/create", object: .object(body))
                } catch let error as WeChatAPIError {
                    throw AccountCallFailure(call: "qrcode/create", error: error)
                }
            }
            guard let ticket = answer["ticket"]?.string, !ticket.isEmpty else {
                ProcessEnvironment.printError("worker qrcode create: WeChat's answer has no ticket")
                throw ExitCode(1)
            }
            // The image is served by mp.weixin.qq.com, not the API host; a fake API serves it itself.
            let imageHost = base == "https://api.weixin.qq.com" ? "https://mp.weixin.qq.com" : base
            print("scene:   \(scene) (subscribe events carry qrscene_\(scene), SCAN events \(scene))")
            print("ticket:  \(ticket)")
            print("url:     \(answer["url"]?.string ?? "")")
            print("image:   \(imageHost)/cgi-bin/showqrcode?ticket=\(PercentEncoding.encode(ticket))")
            let lifetime = try answer["expire_seconds"]?.int ?? seconds()
            print("expires: \(permanent ? "never (permanent)" : "in \(lifetime) s")")
        }
    }
}
