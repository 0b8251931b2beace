/// One thing WeChat would refuse in a menu: which button (`button 2 "Shop" › sub_button 1 "Orders"`),
/// why, and the errcode WeChat would answer.
struct MenuProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where: the button's position (1-based) and name, or the menu (`conditional 1`).
    var location: String
    var problem: String
    var errcode: Int

    var description: String { "\(location): \(problem) (WeChat: errcode \(errcode))" }
}
