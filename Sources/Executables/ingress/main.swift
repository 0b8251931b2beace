import ArgumentParser
import Ingress

// The `ingress` executable for development (tests and scripts/run.sh start it from the build folder); the image
// runs the same command from the one `wechat-relay` binary (Sources/Relay).
await Ingress.main()
