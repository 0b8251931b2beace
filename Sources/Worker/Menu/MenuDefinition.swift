import Shared

/// A whole custom menu as `menu.yaml` holds it (WeChat's own JSON written as YAML): the default menu's
/// `button` list and the optional `conditional:` menus, each `{button, matchrule}`.
struct MenuDefinition: Sendable, Hashable {
    /// A conditional (personalised) menu: shown to the users its `matchrule` selects.
    struct Conditional: Sendable, Hashable {
        var buttons: [MenuButton]
        /// `tag_id`, `client_platform_type`, ... as text.
        var matchRule: [String: String]
    }

    var buttons: [MenuButton]
    var conditional: [Conditional]

    /// No menu at all (what `menu/get` answering 46003 means).
    static let empty = MenuDefinition(buttons: [], conditional: [])

    /// `{"button":[…]}` for `menu/create`.
    var createBody: JSONValue {
        .object(["button": .array(buttons.map(Self.json))])
    }

    /// `{"button":[…],"matchrule":{…}}` for `menu/addconditional`.
    static func addConditionalBody(_ menu: Conditional) -> JSONValue {
        .object(["button": .array(menu.buttons.map(json)), "matchrule": .object(menu.matchRule.mapValues(JSONValue.string))])
    }

    static func json(_ button: MenuButton) -> JSONValue {
        var object = button.fields.mapValues(JSONValue.string)
        if button.isParent { object["sub_button"] = .array(button.subButtons.map(json)) }
        return .object(object)
    }

    /// Reads the answer of `menu/get`: `{"menu":{"button":[…]},"conditionalmenu":[{"button":[…],"matchrule":{…}}]}`.
    /// Empty `sub_button` lists, empty values and `menuid`s are left out, so it compares equal to the file it came from.
    init(getAnswer answer: [String: JSONValue]) {
        buttons = Self.buttons(answer["menu"]?.object?["button"])
        conditional = (answer["conditionalmenu"]?.array ?? []).compactMap { item in
            guard let object = item.object else { return nil }
            var rule: [String: String] = [:]
            for (key, value) in object["matchrule"]?.object ?? [:] {
                if let text = value.string, !text.isEmpty { rule[key] = text }
            }
            return Conditional(buttons: Self.buttons(object["button"]), matchRule: rule)
        }
    }

    init(buttons: [MenuButton], conditional: [Conditional]) {
        self.buttons = buttons
        self.conditional = conditional
    }

    private static func buttons(_ value: JSONValue?) -> [MenuButton] {
        (value?.array ?? []).compactMap { item in
            guard let object = item.object else { return nil }
            var fields: [String: String] = [:]
            for (key, value) in object where key != "sub_button" {
                if let text = value.string, !text.isEmpty { fields[key] = text }
            }
            // get_current_selfmenu_info wraps sub-buttons as {"list":[…]}; menu/get gives the list.
            let subs = object["sub_button"]?.array ?? object["sub_button"]?.object?["list"]?.array
            return MenuButton(fields: fields, subButtons: buttons(subs.map(JSONValue.array)))
        }
    }
}
