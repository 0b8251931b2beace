/// Who signed in, as one code exchange established it: what the session JWT carries.
struct WebLogin: Codable, Sendable, Hashable {
    var openID: String
    var scope: OAuthScope
    var unionID: String?
    /// WeChat's snapshot-page virtual user (`is_snapshotuser: 1`): not a real identity; never merge on it.
    var snapshot: Bool
    var nickname: String?
    var avatarURL: String?
    /// Where the browser goes afterwards.
    var returnURL: String
}
