extension Duration {
    /// Whole milliseconds (rounded toward zero): Redis's `PX` and `PEXPIRE`, the scripts' deadlines.
    public var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
