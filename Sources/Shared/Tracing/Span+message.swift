import Tracing

extension Span {
    /// The attributes that name one message on every span about it: its account, masked dedup key, masked
    /// sender and `MsgType`.
    public func setMessageAttributes(_ message: InboundMessage, dedupKey: String, account: String) {
        attributes[TraceNames.account] = account
        attributes[TraceNames.dedupKey] = DedupKey(rawValue: dedupKey).masked
        attributes[TraceNames.openID] = DedupKey.maskOpenID(message.fromUserName)
        attributes[TraceNames.msgType] = message.msgType
    }
}
