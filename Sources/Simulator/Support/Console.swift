import Foundation

/// Unbuffered output, so chat lines show at once also when stdout is a pipe (`make run`, `podman logs`).
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Progress on standard error: rewritten in place on a terminal, one line each otherwise.
    static func progress(_ text: String) {
        let terminal = isatty(2) != 0
        FileHandle.standardError.write(Data((terminal ? "\r\(text)   " : text + "\n").utf8))
    }

    /// Ends a progress line on a terminal.
    static func endProgress() {
        if isatty(2) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
