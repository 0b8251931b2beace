/// What `worker menu diff` prints: both menus as one line per button, and the lines that differ
/// (`- ` only in the current menu, `+ ` only in the file), in order. No output means no change.
enum MenuDiff {
    /// One line per menu, button and sub-button, fields in a fixed order.
    static func lines(_ menu: MenuDefinition) -> [String] {
        var lines = buttonLines(menu.buttons, indent: "")
        for (index, conditional) in menu.conditional.enumerated() {
            let rule = conditional.matchRule.keys.sorted().map { "\($0)=\(conditional.matchRule[$0] ?? "")" }.joined(separator: " ")
            lines.append("conditional \(index + 1) matchrule \(rule)")
            lines += buttonLines(conditional.buttons, indent: "  ")
        }
        return lines
    }

    /// The changed lines from `current` to `wanted`; empty when they are the same.
    static func changes(from current: MenuDefinition, to wanted: MenuDefinition) -> [String] {
        let old = lines(current)
        let new = lines(wanted)
        // Longest common subsequence, then walk it: menus have a few dozen lines at most.
        var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var result: [String] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                i += 1
                j += 1
            } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
                result.append("- " + old[i])
                i += 1
            } else {
                result.append("+ " + new[j])
                j += 1
            }
        }
        return result
    }

    private static func buttonLines(_ buttons: [MenuButton], indent: String) -> [String] {
        var lines: [String] = []
        for (index, button) in buttons.enumerated() {
            lines.append(indent + describe(button, label: "button \(index + 1)"))
            for (subIndex, sub) in button.subButtons.enumerated() {
                lines.append(indent + "  " + describe(sub, label: "sub_button \(subIndex + 1)"))
            }
        }
        return lines
    }

    private static func describe(_ button: MenuButton, label: String) -> String {
        var text = "\(label) \"\(button.name)\""
        if let type = button.type { text += ": \(type)" }
        for field in MenuButton.fieldNames where field != "type" && field != "name" {
            if let value = button.fields[field] { text += " \(field)=\(value)" }
        }
        return text
    }
}
