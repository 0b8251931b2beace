import Crypto

/// A Lua script run with `EVALSHA`, falling back to `EVAL` when the server answers `NOSCRIPT` (after a
/// restart, a failover or `SCRIPT FLUSH`), so callers never have to load scripts by hand.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// The script's SHA1 in lower-case hex, as Redis names it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = WeChatSignature.hex(Insecure.SHA1.hash(data: Array(source.utf8)))
    }

    /// The `EVALSHA` form of a call.
    public func evalSHA(keys: [RedisArgument], arguments: [RedisArgument]) -> RedisCommand {
        RedisCommand(["EVALSHA", RedisArgument(sha1), RedisArgument(keys.count)] + keys + arguments)
    }

    /// The `EVAL` form of a call: sends the whole source, and loads it into the server's script cache.
    public func eval(keys: [RedisArgument], arguments: [RedisArgument]) -> RedisCommand {
        RedisCommand(["EVAL", RedisArgument(source), RedisArgument(keys.count)] + keys + arguments)
    }
}

extension RedisClient {
    /// Runs a script by its SHA1, sending the source only when the server does not have it.
    @discardableResult
    public func run(_ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = []) async throws(RedisError) -> RESPValue {
        do {
            return try await send(script.evalSHA(keys: keys, arguments: arguments))
        } catch  where error.serverErrorCode == "NOSCRIPT" {
            return try await send(script.eval(keys: keys, arguments: arguments))
        }
    }

    /// Runs many calls of one script in one round trip; calls answered `NOSCRIPT` are sent again with
    /// `EVAL` in a second round trip. One result per call, in order.
    public func runPipelined(_ script: RedisScript, calls: [(keys: [RedisArgument], arguments: [RedisArgument])]) async throws(RedisError) -> [Result<RESPValue, RedisError>] {
        var results = try await pipeline(calls.map { script.evalSHA(keys: $0.keys, arguments: $0.arguments) })
        let missing = results.indices.filter { index in
            if case .failure(let error) = results[index] { return error.serverErrorCode == "NOSCRIPT" }
            return false
        }
        guard !missing.isEmpty else { return results }
        let retried = try await pipeline(missing.map { script.eval(keys: calls[$0].keys, arguments: calls[$0].arguments) })
        for (index, result) in zip(missing, retried) { results[index] = result }
        return results
    }
}
