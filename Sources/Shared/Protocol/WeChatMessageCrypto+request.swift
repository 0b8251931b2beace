extension WeChatMessageCrypto {
    /// Opens a safe-mode push in the required order: parse the outer XML, take the exact `<Encrypt>`
    /// text, check `msg_signature` over it (constant time), then decrypt. The result is the inner XML.
    public func openRequest(
        body: [UInt8], token: String, timestamp: String, nonce: String, msgSignature: String,
        limits: WeChatXML.Limits = .default
    ) throws(SafeModeError) -> Decrypted {
        let fields: [XMLField]
        do {
            fields = try WeChatXML.parse(body, limits: limits)
        } catch {
            throw .xml(error)
        }
        guard let encrypt = fields.first(where: { $0.name == "Encrypt" })?.value else { throw .missingEncrypt }
        guard WeChatSignature.isValidMessageSignature(msgSignature, token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
        else { throw .signatureMismatch }
        do {
            return try decrypt(encrypt)
        } catch {
            throw .crypto(error)
        }
    }
}
