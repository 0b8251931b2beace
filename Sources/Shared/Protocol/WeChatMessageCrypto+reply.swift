extension WeChatMessageCrypto {
    /// Encrypts a passive reply's XML and wraps it in the envelope safe mode requires:
    /// ```
    /// <xml>
    /// <Encrypt><![CDATA[…]]></Encrypt>
    /// <MsgSignature><![CDATA[sha1(sort(token, timestamp, nonce, Encrypt))]]></MsgSignature>
    /// <TimeStamp>…</TimeStamp>
    /// <Nonce><![CDATA[…]]></Nonce>
    /// </xml>
    /// ```
    /// Echoing the push's `timestamp` and `nonce` is fine. Use the ``KeySlot`` that decrypted the push.
    /// `random`: the 16-byte prefix, for test vectors; nil: fresh random bytes.
    public func encryptedReply(
        _ xml: String, random: [UInt8]? = nil, token: String, timestamp: String, nonce: String, key: KeySlot = .current
    ) throws(MessageCryptoError) -> String {
        let message = Array(xml.utf8)
        let encrypted = if let random { try encrypt(message, random: random, key: key) } else { try encrypt(message, key: key) }
        return envelope(encrypted, token: token, timestamp: timestamp, nonce: nonce)
    }

    private func envelope(_ encrypt: String, token: String, timestamp: String, nonce: String) -> String {
        let signature = WeChatSignature.messageSignature(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
        return """
            <xml>
            <Encrypt>\(XMLWriter.cdata(encrypt))</Encrypt>
            <MsgSignature>\(XMLWriter.cdata(signature))</MsgSignature>
            <TimeStamp>\(XMLWriter.escaped(timestamp))</TimeStamp>
            <Nonce>\(XMLWriter.cdata(nonce))</Nonce>
            </xml>
            """
    }
}
