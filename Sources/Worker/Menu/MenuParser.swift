import Shared
import Yams

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `menu.yaml` (parsed with Yams): WeChat's `menu/create` JSON written as YAML, plus an optional
/// `conditional:` list of `{button, matchrule}`.
///
/// ```yaml
/// button:
///   - type: click
///     name: Today
///     key: V1001_TODAY
///   - name: More
///     sub_button:
///       - {type: view, name: Search, url: "https://www.soso.com/"}
///       - {type: miniprogram, name: App, url: "https://mp.weixin.qq.com", appid: wx286b93c14bbf93aa, pagepath: pages/lunar/index}
/// conditional:
///   - matchrule: {client_platform_type: "2"}
///     button:
///       - {type: click, name: Android, key: ANDROID}
/// ```
///
/// Only the shape is checked here (unknown keys, a scalar where a list belongs), with the line of each
/// problem; ``MenuValidator`` checks WeChat's limits.
enum MenuParser {
    static func load(path: String) throws(MenuFileError) -> MenuDefinition {
        let text: String
        do {
            text = try YAMLFile.read(path: path)
        } catch {
            throw MenuFileError(file: path, line: nil, problem: error.problem)
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws(MenuFileError) -> MenuDefinition {
        func fail(_ node: Node?, _ problem: String) -> MenuFileError {
            MenuFileError(file: file, line: node?.mark?.line, problem: problem)
        }
        let root: Node?
        do {
            root = try YAMLFile.compose(text)
        } catch {
            throw MenuFileError(file: file, line: error.line, problem: error.problem)
        }
        guard let root, let mapping = root.mapping else { throw fail(root, "the top level must be a mapping with button (and optionally conditional)") }
        var menu = MenuDefinition.empty
        var sawButton = false
        for (keyNode, value) in mapping {
            switch keyNode.string {
            case "button":
                sawButton = true
                menu.buttons = try buttons(value, file: file, allowSubButtons: true)
            case "conditional":
                guard let list = value.sequence else { throw fail(value, "conditional must be a list of {button, matchrule}") }
                for item in list {
                    menu.conditional.append(try conditional(item, file: file))
                }
            case "menu", "conditionalmenu":
                throw fail(keyNode, "'\(keyNode.string ?? "")' is the wrapper of menu/get's answer; write its button list at the top level as button: (WeChat answers 40016 otherwise)")
            default:
                throw fail(keyNode, "unknown key '\(keyNode.string ?? "?")' (expected button or conditional)")
            }
        }
        guard sawButton else { throw fail(root, "no button list: a menu needs button: with 1 to 3 buttons") }
        return menu
    }

    private static func conditional(_ node: Node, file: String) throws(MenuFileError) -> MenuDefinition.Conditional {
        func fail(_ node: Node?, _ problem: String) -> MenuFileError {
            MenuFileError(file: file, line: node?.mark?.line, problem: problem)
        }
        guard let mapping = node.mapping else { throw fail(node, "a conditional menu must be a mapping with button and matchrule") }
        var buttons: [MenuButton]?
        var rule: [String: String]?
        for (keyNode, value) in mapping {
            switch keyNode.string {
            case "button": buttons = try self.buttons(value, file: file, allowSubButtons: true)
            case "matchrule":
                guard let fields = value.mapping else { throw fail(value, "matchrule must be a mapping such as {tag_id: \"2\"}") }
                var parsed: [String: String] = [:]
                for (key, field) in fields {
                    guard let text = field.scalar?.string else { throw fail(field, "matchrule \(key.string ?? "?") must be a single value") }
                    parsed[key.string ?? ""] = text
                }
                rule = parsed
            default:
                throw fail(keyNode, "unknown key '\(keyNode.string ?? "?")' in a conditional menu (expected button, matchrule)")
            }
        }
        guard let buttons else { throw fail(node, "a conditional menu needs button") }
        guard let rule else { throw fail(node, "a conditional menu needs matchrule") }
        return MenuDefinition.Conditional(buttons: buttons, matchRule: rule)
    }

    private static func buttons(_ node: Node, file: String, allowSubButtons: Bool) throws(MenuFileError) -> [MenuButton] {
        guard let list = node.sequence else {
            throw MenuFileError(file: file, line: node.mark?.line, problem: "\(allowSubButtons ? "button" : "sub_button") must be a list")
        }
        var result: [MenuButton] = []
        for item in list {
            result.append(try button(item, file: file, allowSubButtons: allowSubButtons))
        }
        return result
    }

    private static func button(_ node: Node, file: String, allowSubButtons: Bool) throws(MenuFileError) -> MenuButton {
        func fail(_ node: Node?, _ problem: String) -> MenuFileError {
            MenuFileError(file: file, line: node?.mark?.line, problem: problem)
        }
        guard let mapping = node.mapping else { throw fail(node, "a button must be a mapping (type, name, key, url, ...)") }
        var button = MenuButton(fields: [:])
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if key == "sub_button" {
                guard allowSubButtons else { throw fail(keyNode, "a sub-button cannot have sub_button (menus have two levels)") }
                button.subButtons = try buttons(value, file: file, allowSubButtons: false)
                if button.subButtons.isEmpty { throw fail(value, "sub_button is empty: give 1 to 5 sub-buttons or remove it") }
            } else if MenuButton.fieldNames.contains(key) {
                guard let text = value.scalar?.string else { throw fail(value, "\(key) must be a single value") }
                button.fields[key] = text
            } else {
                throw fail(keyNode, "unknown button field '\(key)' (expected \((MenuButton.fieldNames + ["sub_button"]).joined(separator: ", ")))")
            }
        }
        return button
    }
}
