import Shared
import Testing

@Suite struct RedisURLTests {
    @Test func defaultsFillTheGaps() throws {
        let url = try RedisURL(parsing: "redis://localhost")
        #expect(url == RedisURL(host: "localhost", port: 6379, user: nil, password: nil, database: 0))
    }

    @Test func everyPartIsRead() throws {
        let url = try RedisURL(parsing: "redis://relay:p%40ss%3Aw0rd@redis.internal:6380/3")
        #expect(url.user == "relay")
        #expect(url.password == "p@ss:w0rd")
        #expect(url.host == "redis.internal")
        #expect(url.port == 6380)
        #expect(url.database == 3)
    }

    @Test func passwordWithoutUser() throws {
        let colonForm = try RedisURL(parsing: "redis://:secret@127.0.0.1:6379/0")
        #expect(colonForm.user == nil)
        #expect(colonForm.password == "secret")
        let shortForm = try RedisURL(parsing: "redis://secret@127.0.0.1")
        #expect(shortForm.password == "secret")
    }

    @Test func ipv6Host() throws {
        let url = try RedisURL(parsing: "redis://[::1]:7000/2")
        #expect(url.host == "::1")
        #expect(url.port == 7000)
        #expect(url.description == "redis://[::1]:7000/2")
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let url = try RedisURL(parsing: "redis://admin:hunter2@h:1/0")
        #expect(url.description == "redis://admin:***@h:1/0")
        #expect(!String(describing: url).contains("hunter2"))
    }

    @Test(arguments: [
        ("http://localhost", "unsupported scheme"),
        ("rediss://localhost", "TLS"),
        ("localhost:6379", "expected redis://"),
        ("redis://", "host is missing"),
        ("redis://:pw@", "host is missing"),
        ("redis://host:0", "port '0'"),
        ("redis://host:99999", "port '99999'"),
        ("redis://host:abc", "port 'abc'"),
        ("redis://host/x", "database 'x'"),
        ("redis://host/-1", "database '-1'"),
        ("redis://u:%zz@host", "percent-escape"),
        ("redis://host?timeout=1", "query strings"),
        ("redis://bad host", "characters"),
        ("redis://[::1", "unclosed"),
    ])
    func badURLsSayWhatIsWrong(text: String, expected: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            guard case RedisError.invalidURL(let message) = error else { return false }
            return message.contains(expected)
        }
    }
}
