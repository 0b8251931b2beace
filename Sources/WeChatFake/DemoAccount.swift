/// The made-up Official Account `make run`, `docker compose --profile demo` and `wxsim` use when no real
/// credentials are set. The fake API knows it; WeChat's real API does not.
public enum DemoAccount {
    public static let appID = "wxdemo0000000000"
    public static let appSecret = "demo-secret"
    public static let token = "demo-token"
    /// A valid 43-character EncodingAESKey, so the demo runs in safe mode (encrypted pushes).
    public static let encodingAESKey = "DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"
    /// The account's original id (`ToUserName`).
    public static let originalID = "gh_wxsim_demo"
}
