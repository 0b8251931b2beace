// libFuzzer target: arbitrary bytes as a plaintext WeChat body.
// Invariants checked (a failure is a finding): parsing never traps; a parsed message survives its
// Codable form unchanged; a passive reply built from any parsed text parses back.
import CLibFuzzer
import Foundation
@testable import Shared

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? InboundMessage(xml: bytes, limits: .init(maxBytes: 1 << 16)) else { return 0 }
    _ = message.kind
    _ = message.dedupKey
    if let encoded = try? JSONEncoder().encode(message) {
        let decoded = try? JSONDecoder().decode(InboundMessage.self, from: encoded)
        precondition(decoded == message, "InboundMessage Codable round trip changed the message")
    }
    let text = message["Content"] ?? message.fromUserName
    let reply = PassiveReply(replyingTo: message, createTime: message.createTime, content: .text(text))
    precondition((try? WeChatXML.parse(reply.xml)) != nil, "a passive reply did not parse back")
    return 0
}

@main
enum FuzzXMLMain {
    static func main() {
        if writeSeeds() { return }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzXML(data, size) })
    }
}

/// With `FUZZ_SEED_DIR` set: writes the seed corpus there (from the test fixtures) and returns true.
func writeSeeds() -> Bool {
    guard let directory = ProcessInfo.processInfo.environment["FUZZ_SEED_DIR"] else { return false }
    var seeds = WeChatFixtures.all.map { ($0.name, Array($0.xml.utf8)) }
    seeds.append(("hostile-doctype", Array("<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]><xml>&a;</xml>".utf8)))
    seeds.append(("hostile-deep", Array(("<xml>" + String(repeating: "<a>", count: 100)).utf8)))
    seeds.append(("control-chars", Array("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[x\u{02}y\u{1D}]]></Content></xml>".utf8)))
    for (name, bytes) in seeds {
        _ = FileManager.default.createFile(atPath: directory + "/" + name + ".xml", contents: Data(bytes))
    }
    print("wrote \(seeds.count) seeds to \(directory)")
    return true
}
