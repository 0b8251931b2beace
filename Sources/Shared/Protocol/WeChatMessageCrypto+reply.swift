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
    public func encryptedReply(
        _ xml: String, token: String, timestamp: String, nonce: String, key: KeySlot = .current
    ) throws(MessageCryptoError) -> String {
        try envelope(encrypt(Array(xml.utf8), key: key), token: token, timestamp: timestamp, nonce: nonce)
    }

    /// The same with a chosen 16-byte random prefix (test vectors).
    public func encryptedReply(
        _ xml: String, random: [UInt8], token: String, timestamp: String, nonce: String, key: KeySlot = .current
    ) throws(MessageCryptoError) -> String {
        try envelope(encrypt(Array(xml.utf8), random: random, key: key), token: token, timestamp: timestamp, nonce: nonce)
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

extension PassiveReply {
    /// This reply in safe mode's encrypted envelope.
    public func encryptedXML(
        using crypto: WeChatMessageCrypto, token: String, timestamp: String, nonce: String,
        key: WeChatMessageCrypto.KeySlot = .current
    ) throws(MessageCryptoError) -> String {
        try crypto.encryptedReply(xml, token: token, timestamp: timestamp, nonce: nonce, key: key)
    }
}
