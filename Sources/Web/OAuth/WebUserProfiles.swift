import Logging
import Shared

/// Each signed-in user's web-auth tokens in Redis (`wx:{appid}:web:user:<openid>`, kept 30 days like
/// WeChat's refresh token) and `/sns/userinfo` through them: an expired access token is refreshed
/// with the refresh token, once, and a dead refresh token (40030) means the user must sign in again.
struct WebUserProfiles: Sendable {
    /// What ``profile(openID:)`` found.
    enum Outcome: Sendable {
        case profile([String: JSONValue])
        /// No usable grant: sign in again with `scope=userinfo`.
        case reauthorize(String)
        case unavailable(WeChatAPIError)
    }

    let redis: RedisClient
    let keys: WebKeys
    let client: WebAuthClient
    let logger: Logger
    var retentionSeconds = 30 * 24 * 3600

    /// Stores a fresh grant (from a code exchange), starting its 30 days.
    func remember(_ grant: WebAuthGrant) async {
        let key = RedisArgument(keys.user(grant.openID))
        do {
            _ = try await redis.pipeline([
                RedisCommand(["HSET", key] + fields(of: grant)),
                RedisCommand("EXPIRE", key, RedisArgument(retentionSeconds)),
            ])
        } catch {
            logger.warning("could not keep a user's web-auth tokens: \(error)")
        }
    }

    /// The user's profile from `/sns/userinfo`, refreshing the web-auth token when it expired.
    func profile(openID: String) async -> Outcome {
        let key = RedisArgument(keys.user(openID))
        let stored: [String: RESPValue]
        do {
            stored = try await redis.send("HGETALL", key).fields
        } catch {
            return .unavailable(.tokenUnavailable("redis: \(error)"))
        }
        guard let refreshToken = stored["refresh_token"]?.string else { return .reauthorize("no web-auth grant is kept for this user") }
        guard stored["scope"]?.string?.contains("snsapi_userinfo") == true else { return .reauthorize("the grant is snsapi_base; sign in with scope=userinfo") }
        var accessToken = stored["access_token"]?.string ?? ""
        let expiresAt = stored["expires_at"]?.string.flatMap(Int64.init) ?? 0
        var refreshed = false
        if expiresAt <= WallClock.milliseconds() + 60_000 {
            switch await refresh(key: key, refreshToken: refreshToken) {
            case .success(let token): accessToken = token
            case .failure(let failure): return failure.outcome
            }
            refreshed = true
        }
        do throws(WeChatAPIError) {
            return .profile(try await client.userInfo(accessToken: accessToken, openID: openID))
        } catch  where !refreshed && [40001, 42001].contains(error.errcode ?? 0) {
            switch await refresh(key: key, refreshToken: refreshToken) {
            case .success(let token):
                do throws(WeChatAPIError) {
                    return .profile(try await client.userInfo(accessToken: token, openID: openID))
                } catch {
                    return .unavailable(error)
                }
            case .failure(let failure): return failure.outcome
            }
        } catch {
            return .unavailable(error)
        }
    }

    /// Why a refresh gave no token: what ``profile(openID:)`` answers then.
    private struct RefreshFailure: Error {
        var outcome: Outcome
    }

    private func refresh(key: RedisArgument, refreshToken: String) async -> Result<String, RefreshFailure> {
        do throws(WeChatAPIError) {
            let grant = try await client.refresh(refreshToken: refreshToken)
            // HSET keeps the key's TTL: a refresh does not extend the 30 days (WeChat's docs disagree whether it does).
            _ = try? await redis.send(RedisCommand(["HSET", key] + fields(of: grant)))
            return .success(grant.accessToken)
        } catch  where error.errcode == 40030 {
            _ = try? await redis.send("DEL", key)
            return .failure(RefreshFailure(outcome: .reauthorize("the refresh token expired (40030); sign in again")))
        } catch {
            return .failure(RefreshFailure(outcome: .unavailable(error)))
        }
    }

    private func fields(of grant: WebAuthGrant) -> [RedisArgument] {
        var fields: [RedisArgument] = [
            "access_token", RedisArgument(grant.accessToken),
            "expires_at", RedisArgument(WallClock.milliseconds() + Int64(grant.expiresIn) * 1000),
            "scope", RedisArgument(grant.scope),
        ]
        if !grant.refreshToken.isEmpty { fields += ["refresh_token", RedisArgument(grant.refreshToken)] }
        return fields
    }
}
