import ArgumentParser
import Worker

// The `worker` executable for development (tests and scripts/run.sh start it from the build folder); the image
// runs the same command from the one `wechat-relay` binary (Sources/Relay).
await Worker.main()
