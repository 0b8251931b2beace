import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The client against private redis-servers that the tests protect with a password, kill, restart and
/// stall: what production does to a connection, in both I/O designs (``RedisIO``).
@Suite struct RedisServerFailureTests {
    @Test(arguments: RedisIO.allCases)
    func authenticatesWithPasswordAndACLUser(io: RedisIO) async throws {
        let server = try await RedisServerProcess(extraArguments: [
            "--requirepass", "s3cret p@ss", "--user", "relay", "on", ">relay-pw", "~*", "+@all",
        ])
        defer { server.stop() }

        let withPassword = RedisClient(configuration: .init(url: server.url(password: "s3cret p@ss"), io: io))
        defer { withPassword.close() }
        #expect(try await withPassword.send("PING") == .simpleString("PONG"))

        let aclUser = RedisClient(configuration: .init(url: try RedisURL(parsing: "redis://relay:relay-pw@127.0.0.1:\(server.port)/0"), io: io))
        defer { aclUser.close() }
        #expect(try await aclUser.send("ACL", "WHOAMI").string == "relay")

        let noPassword = RedisClient(configuration: .init(url: server.url(), io: io))
        defer { noPassword.close() }
        await #expect { try await noPassword.send("GET", "k") } throws: { error in
            (error as? RedisError)?.serverErrorCode == "NOAUTH"
        }

        let wrongPassword = RedisClient(configuration: .init(url: server.url(password: "wrong"), io: io))
        defer { wrongPassword.close() }
        await #expect { try await wrongPassword.send("PING") } throws: { error in
            guard case .server(let message) = error as? RedisError else { return false }
            return message.contains("AUTH") && !message.contains("wrong")  // never echoes the password
        }
    }

    @Test(arguments: RedisIO.allCases)
    func selectsTheDatabaseFromTheURL(io: RedisIO) async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let database3 = RedisClient(configuration: .init(url: server.url(database: 3), io: io))
        let database0 = RedisClient(configuration: .init(url: server.url(database: 0), io: io))
        defer {
            database3.close()
            database0.close()
        }
        try await database3.send("SET", "where", "three")
        #expect(try await database3.send("GET", "where").string == "three")
        #expect(try await database0.send("GET", "where") == .null)
    }

    @Test(arguments: RedisIO.allCases)
    func recoversAfterTheServerIsKilledAndRestarted(io: RedisIO) async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let redis = RedisClient(configuration: .init(url: server.url(), poolSize: 2, minimumBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200), io: io))
        defer { redis.close() }
        try await redis.send("SET", "before", "1")

        server.stop(signal: SIGKILL)
        // Down: every call fails with a connection error, quickly, for ordinary and blocking commands.
        for _ in 0..<5 {
            await #expect { try await redis.send("GET", "before") } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.isConnectivity
            }
        }
        await #expect { try await redis.send("BLPOP", "list", 1) } throws: { ($0 as? RedisError)?.isConnectivity == true }

        try await server.start()
        // Back: the client re-connects on its own within its backoff; no restart of the client needed.
        var recovered = false
        for _ in 0..<100 where !recovered {
            do {
                #expect(try await redis.send("PING") == .simpleString("PONG"))
                recovered = true
            } catch {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(recovered)
        // Every pooled connection works again, including one that sat idle through the restart.
        for _ in 0..<10 { #expect(try await redis.send("SET", "after", "2") == .simpleString("OK")) }
        #expect(try await redis.send("BLPOP", "list", "0.05") == .null)
    }

    @Test(arguments: RedisIO.allCases)
    func commandTimeoutDropsTheConnectionAndRecovers(io: RedisIO) async throws {
        let server = try await RedisServerProcess(extraArguments: ["--enable-debug-command", "yes"])
        defer { server.stop() }
        let redis = RedisClient(configuration: .init(url: server.url(), poolSize: 1, commandTimeout: .milliseconds(200), minimumBackoff: .milliseconds(10), io: io))
        defer { redis.close() }
        try await redis.send("SET", "k", "v")
        await #expect { try await redis.send("DEBUG", "SLEEP", "1") } throws: { error in
            guard case .timeout = error as? RedisError else { return false }
            return true
        }
        // The stalled server answers again after its sleep; the late reply must not be taken for a later command.
        var value: RESPValue?
        for _ in 0..<100 where value == nil {
            value = try? await redis.send("GET", "k")
            if value == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(value == .bulkString(Array("v".utf8)))
    }

    @Test(arguments: RedisIO.allCases)
    func unreachableServerIsAClearConnectionError(io: RedisIO) async throws {
        let server = try await RedisServerProcess()
        let url = server.url()
        server.stop()
        let redis = RedisClient(configuration: .init(url: url, io: io))
        defer { redis.close() }
        await #expect { try await redis.send("PING") } throws: { error in
            guard case .connection(let message) = error as? RedisError else { return false }
            return message.contains("127.0.0.1:\(url.port)")
        }
    }
}
