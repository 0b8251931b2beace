/// Checks a menu locally against what WeChat refuses, before any API call (`worker menu check`): 1-3 top
/// buttons, 1-5 sub-buttons, a name of at most 16 bytes (60 for a sub-button), a key of at most 128 bytes,
/// a URL of at most 1024 bytes, a known type with the fields it requires, and conditional menus whose
/// matchrule uses only the fields WeChat still accepts. Lengths are UTF-8 bytes, as WeChat counts them.
enum MenuValidator {
    static let maximumTopButtons = 3
    static let maximumSubButtons = 5
    static let maximumNameBytes = 16
    static let maximumSubButtonNameBytes = 60
    static let maximumKeyBytes = 128
    static let maximumURLBytes = 1024
    /// matchrule fields WeChat still accepts; the privacy ones (sex, region, language) answer 65320.
    static let matchRuleFields: Set<String> = ["tag_id", "group_id", "client_platform_type"]
    static let privacyFields: Set<String> = ["sex", "country", "province", "city", "language"]

    /// Every problem found, in file order; empty when WeChat should accept the menu.
    static func problems(in menu: MenuDefinition) -> [MenuProblem] {
        var problems = buttonsProblems(menu.buttons, menu: "")
        for (index, conditional) in menu.conditional.enumerated() {
            let menuName = "conditional \(index + 1)"
            problems += buttonsProblems(conditional.buttons, menu: menuName + " › ")
            if conditional.matchRule.isEmpty {
                problems.append(MenuProblem(location: menuName, problem: "matchrule is empty: give tag_id or client_platform_type", errcode: 40097))
            }
            for field in conditional.matchRule.keys.sorted() {
                if privacyFields.contains(field) {
                    problems.append(MenuProblem(location: menuName, problem: "matchrule \(field) is no longer accepted (privacy): use tag_id or client_platform_type", errcode: 65320))
                } else if !matchRuleFields.contains(field) {
                    problems.append(MenuProblem(location: menuName, problem: "unknown matchrule field '\(field)' (expected tag_id or client_platform_type)", errcode: 40097))
                }
            }
            if let platform = conditional.matchRule["client_platform_type"], !["1", "2", "3"].contains(platform) {
                problems.append(MenuProblem(location: menuName, problem: "client_platform_type must be 1 (iOS), 2 (Android) or 3 (other), got '\(platform)'", errcode: 40097))
            }
        }
        return problems
    }

    private static func buttonsProblems(_ buttons: [MenuButton], menu: String) -> [MenuProblem] {
        var problems: [MenuProblem] = []
        if buttons.isEmpty || buttons.count > maximumTopButtons {
            let location = menu.isEmpty ? "button" : menu + "button"
            problems.append(MenuProblem(location: location, problem: "\(buttons.count) top buttons; WeChat takes 1 to \(maximumTopButtons)", errcode: 40016))
        }
        for (index, button) in buttons.enumerated() {
            let location = "\(menu)button \(index + 1) \"\(button.name)\""
            if button.isParent {
                problems += nameProblems(button, location: location, limit: maximumNameBytes, errcode: 40018)
                if button.subButtons.count > maximumSubButtons {
                    problems.append(MenuProblem(location: location, problem: "\(button.subButtons.count) sub-buttons; WeChat takes 1 to \(maximumSubButtons)", errcode: 40023))
                }
                if button.type != nil {
                    problems.append(MenuProblem(location: location, problem: "a button with sub_button cannot have a type too", errcode: 40017))
                }
                for (subIndex, sub) in button.subButtons.enumerated() {
                    problems += leafProblems(sub, location: "\(location) › sub_button \(subIndex + 1) \"\(sub.name)\"", isSub: true)
                }
            } else {
                problems += leafProblems(button, location: location, isSub: false)
            }
        }
        return problems
    }

    private static func leafProblems(_ button: MenuButton, location: String, isSub: Bool) -> [MenuProblem] {
        var problems = nameProblems(button, location: location, limit: isSub ? maximumSubButtonNameBytes : maximumNameBytes, errcode: isSub ? 40025 : 40018)
        guard let type = button.type else {
            problems.append(MenuProblem(location: location, problem: "no type (click, view, miniprogram, ...)", errcode: isSub ? 40024 : 40017))
            return problems
        }
        guard let required = MenuButton.requiredFields[type] else {
            let known = MenuButton.requiredFields.keys.sorted().joined(separator: ", ")
            problems.append(MenuProblem(location: location, problem: "unknown type '\(type)' (expected one of \(known))", errcode: isSub ? 40024 : 40017))
            return problems
        }
        for field in required where (button.fields[field] ?? "").isEmpty {
            let errcode = field == "key" ? (isSub ? 40026 : 40019) : field == "url" ? (isSub ? 40027 : 40020) : 40097
            problems.append(MenuProblem(location: location, problem: "type \(type) needs \(field)", errcode: errcode))
        }
        if let key = button.fields["key"], key.utf8.count > maximumKeyBytes {
            problems.append(MenuProblem(location: location, problem: "key is \(key.utf8.count) bytes; WeChat takes at most \(maximumKeyBytes)", errcode: isSub ? 40026 : 40019))
        }
        if let url = button.fields["url"] {
            if url.utf8.count > maximumURLBytes {
                problems.append(MenuProblem(location: location, problem: "url is \(url.utf8.count) bytes; WeChat takes at most \(maximumURLBytes)", errcode: isSub ? 40027 : 40020))
            } else if !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                problems.append(MenuProblem(location: location, problem: "url must start with http:// or https://", errcode: isSub ? 40054 : 40055))
            }
        }
        return problems
    }

    private static func nameProblems(_ button: MenuButton, location: String, limit: Int, errcode: Int) -> [MenuProblem] {
        let bytes = button.name.utf8.count
        if bytes == 0 { return [MenuProblem(location: location, problem: "no name", errcode: errcode)] }
        if bytes > limit { return [MenuProblem(location: location, problem: "name is \(bytes) bytes; WeChat takes at most \(limit)", errcode: errcode)] }
        return []
    }
}
