/// One element of a WeChat push, as it arrived: its name, its text and its child elements.
///
/// A WeChat body is `<xml>` with one element per field; a few events nest (`ScanCodeInfo`,
/// `SendPicsInfo/PicList/item`, `CopyrightCheckResult`, ...). Text is kept exactly as sent, CDATA or
/// not (emoji, newlines, a `]]>` that was split over two CDATA sections). An element that has children
/// keeps an empty `value` unless it also held non-blank text.
public struct XMLField: Sendable, Hashable {
    public var name: String
    public var value: String
    public var children: [XMLField]

    public init(_ name: String, _ value: String = "", children: [XMLField] = []) {
        self.name = name
        self.value = value
        self.children = children
    }

    /// The text of the first child called `name`, or nil when there is none.
    public subscript(name: String) -> String? {
        children.first { $0.name == name }?.value
    }

    /// The first child called `name`.
    public func child(_ name: String) -> XMLField? {
        children.first { $0.name == name }
    }
}
