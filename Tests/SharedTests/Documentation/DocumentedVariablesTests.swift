import Foundation
import Testing

/// The README's variable tables and the variables the services read agree: a variable read but not
/// documented, or documented but read nowhere, fails here.
@Suite struct DocumentedVariablesTests {
    static let prefixes = ["REDIS_", "WECHAT_", "INGRESS_", "WORKER_", "WEB_", "QUEUE_", "OTEL_", "LOG_LEVEL", "RELAY_"]

    /// The repository's root, from this file's path (Tests/SharedTests/Documentation/…).
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    static func matches(_ pattern: String, in text: String, group: Int = 1) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    static func isVariable(_ name: String) -> Bool { prefixes.contains { name.hasPrefix($0) } }

    /// Every variable name the sources read through ``EnvironmentReader`` (or override from a flag).
    static func readInSources() throws -> Set<String> {
        var names: Set<String> = []
        let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            let calls = matches(#"[a-zA-Z]+\((?:reader, )?"([A-Z][A-Z0-9_]+)""#, in: text) + matches(#"environment\["([A-Z][A-Z0-9_]+)"\]"#, in: text)
            let overrides = matches(#""([A-Z][A-Z0-9_]+)": [a-zA-Z]+[?.)]"#, in: text)
            names.formUnion((calls + overrides).filter(isVariable))
        }
        return names
    }

    /// Every variable in the first cell of a README table row.
    static func documented() throws -> Set<String> {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var names: Set<String> = []
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst().prefix { $0 != "|" }
            names.formUnion(matches(#"`([A-Z][A-Z0-9_]+)`"#, in: String(cell)).filter(isVariable))
        }
        return names
    }

    @Test func everyVariableReadIsDocumentedAndEveryDocumentedOneIsRead() throws {
        let read = try Self.readInSources()
        let documented = try Self.documented()
        #expect(read.count > 40, "the scan found only \(read.sorted())")
        #expect(read.subtracting(documented).sorted() == [], "read by the code but not in a README table")
        #expect(documented.subtracting(read).sorted() == [], "in a README table but read nowhere")
    }
}
