/// An ``InboundMessage`` codes as its field list (`{"f":[...]}`, see ``XMLField``'s compact form);
/// decoding checks the common fields again, so a stored message is as trustworthy as a parsed one.
extension InboundMessage: Codable {
    private enum CodingKeys: String, CodingKey {
        case fields = "f"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(fields: container.decode([XMLField].self, forKey: .fields))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fields, forKey: .fields)
    }
}
