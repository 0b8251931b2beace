import ArgumentParser
import Simulator

// The `wxsim` executable for development (tests and scripts/run.sh start it from the build folder); the image
// runs the same command from the one `wechat-relay` binary (Sources/Relay).
await WxSim.main()
