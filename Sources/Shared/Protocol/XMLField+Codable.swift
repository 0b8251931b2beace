/// Compact coding for the queue envelope: a field is a JSON array, `[name, value]` for a leaf,
/// `[name, [child, ...]]` for a container, `[name, value, [child, ...]]` for the rare element with both.
extension XMLField: Codable {
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        name = try container.decode(String.self)
        value = ""
        children = []
        guard !container.isAtEnd else { return }
        if let text = try? container.decode(String.self) {
            value = text
            if !container.isAtEnd { children = try container.decode([XMLField].self) }
        } else {
            children = try container.decode([XMLField].self)
        }
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a field has at most 3 elements")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(name)
        if children.isEmpty {
            try container.encode(value)
        } else {
            if !value.isEmpty { try container.encode(value) }
            try container.encode(children)
        }
    }
}
