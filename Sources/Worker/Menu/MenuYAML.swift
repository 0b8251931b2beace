import Yams

/// Writes a menu as `menu.yaml` (what `worker menu get` prints), so the menu in force can be saved and
/// put under version control as is.
enum MenuYAML {
    static func render(_ menu: MenuDefinition) -> String {
        var top: [(Node, Node)] = [(Node("button"), buttons(menu.buttons))]
        if !menu.conditional.isEmpty {
            let list = menu.conditional.map { conditional -> Node in
                let rule = conditional.matchRule.keys.sorted().map { (Node($0), Node(conditional.matchRule[$0] ?? "", Tag(.str), .doubleQuoted)) }
                return Node.mapping(Node.Mapping([(Node("matchrule"), Node.mapping(Node.Mapping(rule))), (Node("button"), buttons(conditional.buttons))]))
            }
            top.append((Node("conditional"), Node.sequence(Node.Sequence(list))))
        }
        return (try? Yams.serialize(node: Node.mapping(Node.Mapping(top)), allowUnicode: true)) ?? ""
    }

    private static func buttons(_ buttons: [MenuButton]) -> Node {
        Node.sequence(
            Node.Sequence(
                buttons.map { button in
                    var pairs: [(Node, Node)] = MenuButton.fieldNames.compactMap { field in
                        button.fields[field].map { (Node(field), Node($0, Tag(.str))) }
                    }
                    if button.isParent { pairs.append((Node("sub_button"), self.buttons(button.subButtons))) }
                    return Node.mapping(Node.Mapping(pairs))
                }))
    }
}
