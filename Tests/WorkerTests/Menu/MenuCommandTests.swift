import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// `worker menu …` and `worker qrcode create` as an operator runs them: the built executable, the shared
/// token in the test Redis, the in-process fake API.
@Suite struct MenuCommandTests {
    /// A fake API for a new AppID, and the environment the commands need to reach it.
    struct Account {
        let fake: FakeWeChatAPI
        let environment: [String: String]

        static func start() async throws -> Account {
            let appID = WorkerHarness.uniqueAppID()
            let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
            try await fake.start()
            return Account(fake: fake, environment: try WorkerHarness.environment(appID: appID, fake: fake))
        }

        func worker(_ arguments: String...) async throws -> ExecutableRun {
            try await ExecutableRun.run("worker", arguments, environment: environment)
        }

        func calls(_ path: String) -> Int { fake.calls.filter { $0.path == path }.count }
    }

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("menu-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func applyThenGetRoundTripsAndDiffIsQuiet() async throws {
        let account = try await Account.start()
        defer { Task { await account.fake.stop() } }
        let path = try Self.file(MenuValidatorTests.everyType)
        let check = try await account.worker("menu", "check", path)
        #expect(check.status == 0, "\(check.output)")
        #expect(account.fake.calls.isEmpty, "check calls no API")

        let dryRun = try await account.worker("menu", "apply", path, "--dry-run")
        #expect(dryRun.status == 0, "\(dryRun.output)")
        #expect(dryRun.output.contains("would call POST /cgi-bin/menu/create"))
        #expect(account.calls("/cgi-bin/menu/create") == 0)

        let apply = try await account.worker("menu", "apply", path)
        #expect(apply.status == 0, "\(apply.output)")
        #expect(account.calls("/cgi-bin/menu/create") == 1)
        #expect(account.calls("/cgi-bin/menu/addconditional") == 1)
        #expect(account.fake.account.conditionalMenus.count == 1)

        let get = try await account.worker("menu", "get")
        #expect(get.status == 0, "\(get.output)")
        #expect(try MenuParser.parse(get.output, file: "get") == MenuParser.parse(MenuValidatorTests.everyType, file: "file"))

        let diff = try await account.worker("menu", "diff", path)
        #expect(diff.status == 0)
        #expect(diff.output.isEmpty, "no change prints nothing: \(diff.output)")

        let again = try await account.worker("menu", "apply", path)
        #expect(again.status == 0)
        #expect(account.calls("/cgi-bin/menu/create") == 1, "an unchanged menu is not sent again")
    }

    @Test func diffShowsChangesAndApplyReplacesConditionalMenus() async throws {
        let account = try await Account.start()
        defer { Task { await account.fake.stop() } }
        let first = try Self.file(MenuValidatorTests.everyType)
        #expect(try await account.worker("menu", "apply", first).status == 0)
        let changed = try Self.file(MenuValidatorTests.everyType.replacingOccurrences(of: "name: Android", with: "name: Robots"))
        let diff = try await account.worker("menu", "diff", changed)
        #expect(diff.status == 1)
        #expect(diff.output.contains(#"-   button 1 "Android": click key=ANDROID"#), "\(diff.output)")
        #expect(diff.output.contains(#"+   button 1 "Robots": click key=ANDROID"#))
        #expect(try await account.worker("menu", "apply", changed).status == 0)
        #expect(account.calls("/cgi-bin/menu/delconditional") == 1)
        let conditional = account.fake.account.conditionalMenus
        #expect(conditional.count == 1)
        #expect(conditional.first?.buttons.array?.first?.object?["name"]?.string == "Robots")

        let delete = try await account.worker("menu", "delete")
        #expect(delete.status == 0)
        #expect(account.fake.account.menu == nil)
        let get = try await account.worker("menu", "get")
        #expect(get.status == 0)
        #expect(get.output.contains("46003"))
    }

    @Test func aBadFileStopsBeforeAnyCall() async throws {
        let account = try await Account.start()
        defer { Task { await account.fake.stop() } }
        let tooLong = try Self.file("button:\n  - {type: click, name: 六个汉字名字, key: K}\n")
        let run = try await account.worker("menu", "apply", tooLong)
        #expect(run.status == 1)
        #expect(run.output.contains(#"button 1 "六个汉字名字": name is 18 bytes"#), "\(run.output)")
        #expect(run.output.contains("40018"))
        let broken = try Self.file("button:\n  - {type: click, name: A, key: K\n")
        let unreadable = try await account.worker("menu", "check", broken)
        #expect(unreadable.status == 2)
        #expect(unreadable.output.split(separator: "\n").count == 1, "one line: \(unreadable.output)")
        #expect(unreadable.output.contains("not valid YAML"))
        #expect(try await account.worker("menu", "check", "/nonexistent/menu.yaml").status == 2)
        #expect(account.fake.calls.isEmpty)
    }

    @Test func aRefusalByWeChatExitsNonZeroWithTheErrcodeExplained() async throws {
        let account = try await Account.start()
        defer { Task { await account.fake.stop() } }
        // Passes the local check (WeChat documents no media_id length), refused by the API.
        let path = try Self.file("button:\n  - {type: media_id, name: M, media_id: \(String(repeating: "m", count: 300))}\n")
        let run = try await account.worker("menu", "apply", path)
        #expect(run.status == 1)
        #expect(run.output.contains("WeChat refused menu/create: errcode 40097 (invalid arguments)"), "\(run.output)")
        #expect(account.fake.account.menu == nil)
    }

    @Test func qrCodeCreatePrintsTicketURLAndImage() async throws {
        let account = try await Account.start()
        defer { Task { await account.fake.stop() } }
        let run = try await account.worker("qrcode", "create", "--scene", "shop_12", "--expire", "7d")
        #expect(run.status == 0, "\(run.output)")
        let code = try #require(account.fake.account.qrCodes.first)
        #expect(code.value.scene == "shop_12")
        #expect(run.output.contains("ticket:  \(code.key)"))
        #expect(run.output.contains("in 604800 s"))
        let image = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("image:") }).dropFirst("image:".count).trimmingCharacters(in: .whitespaces)
        #expect(image.hasPrefix(account.fake.baseURL + "/cgi-bin/showqrcode?ticket="))
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: image), timeout: .seconds(10))
        #expect(response.status.code == 200)
        let png = try await response.body.collect(upTo: 1 << 16)
        #expect(Array(png.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])

        let permanent = try await account.worker("qrcode", "create", "--scene", "poster", "--permanent")
        #expect(permanent.status == 0)
        #expect(account.fake.account.qrCodes.values.contains { $0.scene == "poster" && $0.expiresAt == nil })
        #expect(try await account.worker("qrcode", "create", "--scene", "x", "--expire", "31d").status != 0)
        #expect(try await account.worker("qrcode", "create", "--scene", String(repeating: "s", count: 65)).status != 0)
    }
}
