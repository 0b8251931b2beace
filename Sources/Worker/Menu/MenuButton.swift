/// One button of a custom menu, with WeChat's field names (`menu/create`'s JSON): a top button is either a
/// parent (`name` + `sub_button`) or a leaf with a `type`; a sub-button is always a leaf.
struct MenuButton: Sendable, Hashable {
    /// Every field a button may have, as WeChat spells it, in the order `worker menu get` prints them.
    static let fieldNames = ["type", "name", "key", "url", "media_id", "appid", "pagepath", "article_id"]

    /// `type`, `name`, `key`, ... as written (a missing field is absent, never an empty string).
    var fields: [String: String]
    var subButtons: [MenuButton]

    init(fields: [String: String], subButtons: [MenuButton] = []) {
        self.fields = fields
        self.subButtons = subButtons
    }

    var name: String { fields["name"] ?? "" }
    var type: String? { fields["type"] }
    /// A top button that opens a sub-menu.
    var isParent: Bool { !subButtons.isEmpty }

    /// The fields each `type` requires (WeChat's api_createcustommenu).
    static let requiredFields: [String: [String]] = [
        "click": ["key"], "view": ["url"], "scancode_push": ["key"], "scancode_waitmsg": ["key"],
        "pic_sysphoto": ["key"], "pic_photo_or_album": ["key"], "pic_weixin": ["key"], "location_select": ["key"],
        "media_id": ["media_id"], "view_limited": ["media_id"], "article_id": ["article_id"],
        "article_view_limited": ["article_id"], "miniprogram": ["url", "appid", "pagepath"],
    ]
}
