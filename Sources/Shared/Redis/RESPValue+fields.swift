extension RESPValue {
    /// A flat `[name, value, name, value, …]` array reply (one group of `XINFO GROUPS`, one consumer of
    /// `XINFO CONSUMERS`) as a dictionary by name; empty for anything else.
    public var fields: [String: RESPValue] {
        let flat = array ?? []
        var fields: [String: RESPValue] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[index].string { fields[name] = flat[index + 1] }
        }
        return fields
    }
}
