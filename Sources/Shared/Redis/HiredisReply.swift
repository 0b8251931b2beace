import CHiredis

/// The conversion of hiredis's `redisReply` trees into ``RESPValue``, shared by the blocking
/// ``HiredisContext`` and the event-loop ``HiredisReader``: the only code that reads `redisReply`.
enum HiredisReply {
    /// Copies a reply tree out of hiredis memory; an error reply is a `.failure`.
    static func decode(_ reply: UnsafePointer<redisReply>) -> Result<RESPValue, RedisError> {
        let node = reply.pointee
        func bytes() -> [UInt8] {
            guard let text = node.str else { return [] }
            return Array(UnsafeRawBufferPointer(start: text, count: node.len))
        }
        switch node.type {
        case REDIS_REPLY_STRING: return .success(.bulkString(bytes()))
        case REDIS_REPLY_STATUS: return .success(.simpleString(String(decoding: bytes(), as: UTF8.self)))
        case REDIS_REPLY_INTEGER: return .success(.integer(node.integer))
        case REDIS_REPLY_NIL: return .success(.null)
        case REDIS_REPLY_ERROR: return .failure(.server(String(decoding: bytes(), as: UTF8.self)))
        case REDIS_REPLY_ARRAY:
            guard let elements = node.element else { return .success(.array([])) }
            var values: [RESPValue] = []
            values.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                guard let element = elements[index] else {
                    values.append(.null)
                    continue
                }
                switch decode(UnsafePointer(element)) {
                case .success(let value): values.append(value)
                // An error nested in an array (EXEC, script replies) stays visible as text.
                case .failure(let error): values.append(.simpleString(String(describing: error)))
                }
            }
            return .success(.array(values))
        default:
            return .failure(.unexpectedReply("hiredis reply type \(node.type)"))
        }
    }
}
