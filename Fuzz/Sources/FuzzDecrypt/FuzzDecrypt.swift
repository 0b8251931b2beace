// libFuzzer target: safe-mode decryption. The first byte picks the mode:
//   0: the rest is an `Encrypt` text (base64 parsing, length checks, AES, unframing);
//   1: the rest is a raw plaintext frame, encrypted without padding and decrypted (so every
//      padding / length / AppID branch is reachable, not just those behind random AES output);
//   2: the rest is a message: encrypt → decrypt must give it back, and so must openRequest on the
//      encrypted reply envelope.
import CLibFuzzer
import Foundation
@testable import Shared

let appID = "wxb11529c136998cb6"
let crypto: WeChatMessageCrypto? = try? WeChatMessageCrypto(
    appID: appID, encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    previousEncodingAESKey: String(repeating: "A", count: 43))
let key = try? EncodingAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecrypt(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0, let crypto, let key else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0:
        _ = try? crypto.decrypt(String(decoding: rest, as: UTF8.self))
    case 1:
        let aligned = Array(rest.prefix(rest.count - rest.count % 16))
        guard !aligned.isEmpty, let sealed = try? WeChatMessageCrypto.seal(aligned, key: key) else { return 0 }
        _ = try? crypto.decrypt(Base64.encode(sealed))
        _ = try? WeChatMessageCrypto.unframe(rest, appID: appID)
    default:
        guard let encrypted = try? crypto.encrypt(rest) else { preconditionFailure("encrypt failed") }
        precondition((try? crypto.decrypt(encrypted))?.message == rest, "round trip changed the message")
        let xml = String(decoding: rest, as: UTF8.self)
        guard let envelope = try? crypto.encryptedReply(xml, token: "t", timestamp: "1", nonce: "n") else {
            preconditionFailure("reply envelope failed")
        }
        let fields = try? WeChatXML.parse(envelope)
        let signature = fields?.first { $0.name == "MsgSignature" }?.value ?? ""
        let opened = try? crypto.openRequest(body: Array(envelope.utf8), token: "t", timestamp: "1", nonce: "n", msgSignature: signature)
        precondition(opened?.message == Array(xml.utf8), "openRequest did not give the reply back")
    }
    return 0
}

@main
enum FuzzDecryptMain {
    static func main() {
        if writeSeeds() { return }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzDecrypt(data, size) })
    }
}

/// With `FUZZ_SEED_DIR` set: writes the seed corpus there (from the test fixtures) and returns true.
func writeSeeds() -> Bool {
    guard let directory = ProcessInfo.processInfo.environment["FUZZ_SEED_DIR"], let crypto else { return false }
    var count = 0
    func write(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes))
        count += 1
    }
    for (name, xml) in WeChatFixtures.all {
        let message = Array(xml.utf8)
        let random = Array("aaaabbbbccccdddd".utf8)
        if let encrypted = try? crypto.encrypt(message, random: random) { write(name + ".encrypt", [0] + Array(encrypted.utf8)) }
        var frame = random
        withUnsafeBytes(of: UInt32(message.count).bigEndian) { frame.append(contentsOf: $0) }
        frame += message + Array(appID.utf8)
        let pad = 32 - frame.count % 32
        write(name + ".frame", [1] + frame + [UInt8](repeating: UInt8(pad), count: pad))
        write(name + ".message", [2] + message)
    }
    print("wrote \(count) seeds to \(directory)")
    return true
}
