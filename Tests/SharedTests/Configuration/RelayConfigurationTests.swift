import Shared
import Testing

@Suite struct RelayConfigurationTests {
    let ingressMinimum = ["WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1"]
    let workerMinimum = ["WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s"]

    @Test func defaults() throws {
        let configuration = try RelayConfiguration(role: .ingress, environment: ingressMinimum)
        #expect(configuration.redisURL == RedisURL(host: "127.0.0.1", port: 6379))
        #expect(configuration.apiBase == "https://api.weixin.qq.com")
        #expect(configuration.aesKey == nil)
        #expect(configuration.redisClientConfiguration.io == .eventLoops)
    }

    @Test func redisIOIsRead() throws {
        for (value, io) in [("threads", RedisIO.threads), ("event-loops", .eventLoops), ("Threads", .threads)] {
            var environment = ingressMinimum
            environment["RELAY_REDIS_IO"] = value
            #expect(try RelayConfiguration(role: .ingress, environment: environment).redisClientConfiguration.io == io)
        }
    }

    @Test(arguments: [
        (RelayConfiguration.Role.ingress, "WECHAT_TOKEN"), (.ingress, "WECHAT_APPID"),
        (.worker, "WECHAT_APPID"), (.worker, "WECHAT_APPSECRET"),
    ])
    func missingRequiredVariableIsNamed(role: RelayConfiguration.Role, variable: String) {
        var environment = role == .ingress ? ingressMinimum : workerMinimum
        environment[variable] = "  "
        #expect(throws: ConfigurationError.missing(variable)) {
            try RelayConfiguration(role: role, environment: environment)
        }
    }

    @Test(arguments: [
        ("REDIS_URL", "http://x", "REDIS_URL"), ("WECHAT_AES_KEY", "short", "WECHAT_AES_KEY"),
        ("WECHAT_API_BASE", "ftp://x", "WECHAT_API_BASE"), ("REDIS_POOL_SIZE", "-1", "REDIS_POOL_SIZE"),
        ("RELAY_REDIS_IO", "fibers", "RELAY_REDIS_IO"),
    ])
    func badValuesNameTheVariable(variable: String, value: String, named: String) {
        var environment = ingressMinimum
        environment[variable] = value
        #expect {
            try RelayConfiguration(role: .ingress, environment: environment)
        } throws: { error in
            (error as? ConfigurationError)?.variable == named
        }
    }

    @Test func secretsStayOutOfErrors() {
        var environment = ingressMinimum
        environment["REDIS_URL"] = "redis://:topsecret@host:notaport"
        #expect {
            try RelayConfiguration(role: .ingress, environment: environment)
        } throws: { error in
            !String(describing: error).contains("topsecret")
        }
    }

    @Test func valuesAreRead() throws {
        var environment = workerMinimum
        environment["REDIS_URL"] = "redis://:pw@10.0.0.5:6380/2"
        environment["WECHAT_AES_KEY"] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
        let configuration = try RelayConfiguration(role: .worker, environment: environment)
        #expect(configuration.redisURL == RedisURL(host: "10.0.0.5", port: 6380, password: "pw", database: 2))
        #expect(configuration.aesKey == "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C")
    }
}
