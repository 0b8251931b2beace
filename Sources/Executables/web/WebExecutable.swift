import ArgumentParser
import Web

/// The `web` executable for development: tests and scripts/run.sh start it from the build folder. The image
/// runs the same command from the one `wechat-relay` binary (Sources/Relay).
@main
enum WebExecutable {
    /// An async context, so that the async `main` of the command runs (top-level code would pick the synchronous one).
    static func main() async {
        await Web.main()
    }
}
