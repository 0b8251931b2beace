import Shared
import Testing

/// The JS-SDK signature against WeChat's documented examples (附录1, both versions of the page).
@Suite struct JSSDKSignatureTests {
    static let ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"

    @Test func theCurrentDocumentedExample() {
        #expect(
            JSSDKSignature.sign(ticket: Self.ticket, nonce: "Wm3WZYTPz0wzccnW", timestamp: 1_414_587_457, url: "http://mp.weixin.qq.com?params=value")
                == "0f9de62fce790f9a083d5c99e95740ceb90c27ed")
    }

    @Test func theOlderDocumentedExample() {
        #expect(
            JSSDKSignature.sign(ticket: Self.ticket, nonce: "Wm3WZYTPz0wzccnW", timestamp: 1_414_587_457, url: "http://mp.weixin.qq.com")
                == "f4d90daf4b3bca3078ab155816175ba34c443a7b")
    }

    @Test func oneSlashMoreIsAnotherSignature() {
        #expect(
            JSSDKSignature.sign(ticket: Self.ticket, nonce: "Wm3WZYTPz0wzccnW", timestamp: 1_414_587_457, url: "http://mp.weixin.qq.com/?params=value")
                == "f50191877b62b116ef830363a3a613ed652a2d5d")
    }
}
