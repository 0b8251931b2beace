import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
import WeChatFake

extension SystemTests {
    /// Several `web` processes sharing one Redis and one fake WeChat: one jsapi_ticket for all, one code
    /// exchange however many processes receive the callback.
    @Suite struct WebProcessTests {
        static let sessionSecret = "system-test-session-secret-0123456789"

        /// Starts `count` web processes for a new AppID; returns them with their base URLs.
        static func startWebs(_ count: Int, fake: FakeWeChatAPI, appID: String, publicURL: String? = nil) async throws -> [(ServiceProcess, String)] {
            var webs: [(ServiceProcess, String)] = []
            for _ in 0..<count {
                let port = try Loopback.freePort()
                let base = "http://127.0.0.1:\(port)"
                let publicURL = publicURL ?? "http://relay.test"
                let process = try ServiceProcess(
                    "web",
                    environment: [
                        "REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID, "WECHAT_APPSECRET": "web-secret",
                        "WECHAT_API_BASE": fake.baseURL, "WECHAT_OPEN_BASE": fake.baseURL, "WEB_HOST": "127.0.0.1", "WEB_PORT": String(port),
                        // All processes stand behind one public name, as behind a load balancer.
                        "WEB_PUBLIC_URL": publicURL, "WEB_ALLOWED_RETURN": publicURL, "WEB_JSSDK_DOMAINS": "https://app.example.com",
                        "WEB_SESSION_SECRET": sessionSecret,
                    ])
                webs.append((process, base))
            }
            for (process, base) in webs {
                let up = await eventually(seconds: 60) { (try? await status(of: "\(base)/healthz")) == 200 }
                #expect(up, "web did not start:\n\(process.log)")
            }
            return webs
        }

        static func status(of url: String) async throws -> Int {
            try await response(url).status
        }

        static func response(_ url: String) async throws -> (status: Int, location: String?, cookie: String?) {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await noRedirects.execute(request, timeout: .seconds(20))
            _ = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), response.headers.first(name: "Location"), response.headers.first(name: "Set-Cookie"))
        }

        static let noRedirects: HTTPClient = {
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }()

        @Test func fourWebProcessesFetchOneTicket() async throws {
            let appID = "wxwebsys\(UInt32.random(in: 0...UInt32.max))"
            let fake = FakeWeChatAPI(apps: [appID: "web-secret"], faults: FakeWeChatFaults(latency: .milliseconds(200)))
            try await fake.start()
            let webs = try await Self.startWebs(4, fake: fake, appID: appID)
            defer { for (process, _) in webs { process.stop(signal: SIGTERM) } }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for (_, base) in webs {
                    for page in 0..<5 {
                        group.addTask { try await Self.status(of: "\(base)/jssdk/config?url=https%3A%2F%2Fapp.example.com%2Fp\(page)") }
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(fake.ticketFetches == 1)
            #expect(fake.tokensIssued == 1)
            await fake.stop()
        }

        @Test func theSameCodeAtTwoProcessesAtOnceIsExchangedOnce() async throws {
            let appID = "wxwebsys\(UInt32.random(in: 0...UInt32.max))"
            let fake = FakeWeChatAPI(apps: [appID: "web-secret"])
            try await fake.start()
            let webs = try await Self.startWebs(2, fake: fake, appID: appID)
            defer { for (process, _) in webs { process.stop(signal: SIGTERM) } }
            let start = try await Self.response("\(webs[0].1)/oauth/start?return=http%3A%2F%2Frelay.test%2Fhome")
            let authorize = try #require(start.location).split(separator: "#")[0]
            let consent = try await Self.response(String(authorize))
            let back = try #require(consent.location)
            let callback = try #require(URLComponents(string: back))
            #expect(callback.host == "relay.test" && callback.path == "/oauth/callback")
            let query = try #require(callback.percentEncodedQuery)
            fake.faults.latency = .milliseconds(300)
            async let first = Self.response("\(webs[0].1)/oauth/callback?\(query)")
            async let second = Self.response("\(webs[1].1)/oauth/callback?\(query)")
            for answer in try await [first, second] {
                #expect(answer.status == 302)
                #expect(answer.location?.hasPrefix("http://relay.test/home?wx_ticket=") == true)
                #expect(answer.cookie?.hasPrefix("wx_session=") == true)
            }
            // And once more in a row, at a third process's neighbour: still the one exchange.
            #expect(try await Self.response("\(webs[1].1)/oauth/callback?\(query)").status == 302)
            #expect(fake.codeExchanges.count == 1)
            // A replayed state (a new code), an unknown state, and a return URL off the allow-list: refused.
            let state = callback.queryItems?.first { $0.name == "state" }?.value ?? ""
            #expect(try await Self.response("\(webs[1].1)/oauth/callback?code=\(fake.issueCode(appID: appID))&state=\(state)").status == 403)
            #expect(try await Self.response("\(webs[0].1)/oauth/callback?code=\(fake.issueCode(appID: appID))&state=Unknown0State").status == 403)
            #expect(try await Self.response("\(webs[0].1)/oauth/start?return=https%3A%2F%2Fevil.example.com%2F").status == 400)
            #expect(fake.codeExchanges.count == 1)
            for (process, _) in webs { #expect(!process.log.contains("FAKECODE"), "a code reached the log") }
            await fake.stop()
        }

        @Test func wxsimOAuthSignsInAsTheBrowserWouldAndFailsWhenTheUserRefuses() async throws {
            let appID = "wxwebsys\(UInt32.random(in: 0...UInt32.max))"
            let fake = FakeWeChatAPI(apps: [appID: "web-secret"])
            try await fake.start()
            let port = try Loopback.freePort()
            let base = "http://127.0.0.1:\(port)"
            let process = try ServiceProcess(
                "web",
                environment: [
                    "REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID, "WECHAT_APPSECRET": "web-secret",
                    "WECHAT_API_BASE": fake.baseURL, "WECHAT_OPEN_BASE": fake.baseURL, "WEB_HOST": "127.0.0.1", "WEB_PORT": String(port),
                    "WEB_SESSION_SECRET": Self.sessionSecret,
                ])
            defer { process.stop(signal: SIGTERM) }
            #expect(await eventually(seconds: 60) { (try? await Self.status(of: "\(base)/healthz")) == 200 }, "\(process.log)")

            let signedIn = try await ExecutableRun.run("wxsim", ["oauth", base, "--openid", "o_browser_user", "--twice"])
            #expect(signedIn.status == 0, "\(signedIn.output)")
            #expect(signedIn.output.contains(#""openid":"o_browser_user""#))
            #expect(signedIn.output.contains("the callback delivered twice at once; the other one answered 302"))
            #expect(!signedIn.output.contains("FAKECODE"), "wxsim printed a code")
            #expect(fake.codeExchanges.count == 1)

            let refused = try await ExecutableRun.run("wxsim", ["oauth", base, "--refuse"])
            #expect(refused.status == 1)
            #expect(refused.output.contains("You did not allow the sign-in"))
            await fake.stop()
        }
    }
}
