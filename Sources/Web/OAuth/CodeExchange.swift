import Logging
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Exchanges each OAuth code with WeChat exactly once, across every `web` process, however many times
/// the browser delivers it (WeChat's webview often requests the callback twice, and back/refresh replay
/// it).
///
/// The first request for a code writes a `pending` ``CodeExchangeRecord`` with `SET NX`, takes the
/// `state` (one use), exchanges, and writes the result for five minutes. Any other request with the
/// same code waits for that result and reuses it, provided it carries the same `state`; so WeChat
/// never answers 40163, and a code replayed with another `state` is refused.
struct CodeExchange: Sendable {
    /// What became of a callback's code.
    enum Outcome: Sendable {
        /// Signed in; `reused` when another request made the exchange.
        case signedIn(WebLogin, reused: Bool)
        /// Unknown, expired, used or mismatched `state`: refused, nothing exchanged.
        case refusedState
        /// WeChat said the code is invalid or used (40029/40163); `state` is the flow's record, so the
        /// caller may restart it once.
        case expiredCode(OAuthState?)
        /// WeChat or Redis failed; try again.
        case failed(String)
    }

    let redis: RedisClient
    let keys: WebKeys
    let states: OAuthStateStore
    let client: WebAuthClient
    let profiles: WebUserProfiles
    let logger: Logger
    var resultLifetimeSeconds = 300
    /// How long a second request waits for the first one's exchange.
    var waitLimit: Duration = .seconds(15)

    func run(code: String, state: String) async -> Outcome {
        let key = RedisArgument(keys.code(code))
        let pending = CodeExchangeRecord(state: state, phase: .pending)
        let won: Bool
        do {
            won = try await !redis.send("SET", key, RedisArgument(bytes: Self.encode(pending)), "NX", "EX", 60).isNull
        } catch {
            return .failed("redis: \(error)")
        }
        return won ? await exchange(code: code, state: state, key: key) : await awaitExchange(key: key, state: state)
    }

    private func exchange(code: String, state: String, key: RedisArgument) async -> Outcome {
        let flow: OAuthState?
        do {
            flow = try await states.consume(state)
        } catch {
            _ = try? await redis.send("DEL", key)
            return .failed("redis: \(error)")
        }
        guard let flow else {
            await finish(key, CodeExchangeRecord(state: state, phase: .failed, failure: "state"))
            return .refusedState
        }
        let grant: WebAuthGrant
        do throws(WeChatAPIError) {
            grant = try await client.exchange(code: code)
        } catch  where error.errcode == 40029 || error.errcode == 40163 {
            await finish(key, CodeExchangeRecord(state: state, phase: .failed, failure: "code"))
            return .expiredCode(flow)
        } catch {
            // WeChat may or may not have used the code; a retry of the same code would fail, so the
            // record says failed and the user starts again.
            await finish(key, CodeExchangeRecord(state: state, phase: .failed, failure: "wechat"))
            return .failed("the code exchange failed: \(error)")
        }
        var login = WebLogin(openID: grant.openID, scope: flow.scope, unionID: grant.unionID, snapshot: grant.snapshot, returnURL: flow.returnURL)
        if !grant.snapshot {
            await profiles.remember(grant)
        }
        if flow.scope == .userinfo, grant.scope.contains("snsapi_userinfo") {
            do throws(WeChatAPIError) {
                let info = try await client.userInfo(accessToken: grant.accessToken, openID: grant.openID)
                login.nickname = info["nickname"]?.string
                login.avatarURL = info["headimgurl"]?.string.flatMap { $0.isEmpty ? nil : $0 }
                login.unionID = login.unionID ?? info["unionid"]?.string
            } catch {
                logger.warning("signed in without the profile: /sns/userinfo failed: \(error)")
            }
        }
        await finish(key, CodeExchangeRecord(state: state, phase: .done, login: login))
        return .signedIn(login, reused: false)
    }

    private func awaitExchange(key: RedisArgument, state: String) async -> Outcome {
        let deadline = ContinuousClock.now + waitLimit
        while true {
            let record: CodeExchangeRecord?
            do {
                record = try await redis.send("GET", key).bytes.flatMap { try? JSONDecoder().decode(CodeExchangeRecord.self, from: Data($0)) }
            } catch {
                return .failed("redis: \(error)")
            }
            guard let record else { return .failed("the first request for this code gave up") }
            guard record.state == state else { return .refusedState }
            switch record.phase {
            case .done:
                if let login = record.login { return .signedIn(login, reused: true) }
                return .failed("the exchange record has no login")
            case .failed:
                return record.failure == "state" ? .refusedState : record.failure == "code" ? .expiredCode(nil) : .failed("the code exchange failed")
            case .pending:
                guard ContinuousClock.now < deadline else { return .failed("the code exchange did not finish within \(waitLimit)") }
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    private func finish(_ key: RedisArgument, _ record: CodeExchangeRecord) async {
        do {
            _ = try await redis.send("SET", key, RedisArgument(bytes: Self.encode(record)), "EX", RedisArgument(resultLifetimeSeconds))
        } catch {
            logger.warning("could not record a code exchange's result: \(error)")
        }
    }

    private static func encode(_ record: CodeExchangeRecord) -> [UInt8] {
        (try? JSONEncoder().encode(record)).map { Array($0) } ?? []
    }
}
