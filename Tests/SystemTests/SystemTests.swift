import Testing

/// The whole relay as it runs in production: real `ingress` and `worker` processes and a real
/// redis-server, killed for real, with WeChat played by the in-process fake API and `WeChatPusher`.
///
/// Serialized (the trait reaches every nested suite): each test starts several processes, and on a
/// small CI machine they must not compete with another system test's processes.
@Suite(.serialized) struct SystemTests {}
