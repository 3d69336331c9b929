import Foundation

/// A progress line on standard error: shown on a terminal, hidden in CI and when piped unless
/// `--progress` asks for it, and never under `--quiet` or `--json`.
final class ProgressLine {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(requested: Bool, quiet: Bool, json: Bool) {
        let environment = ProcessInfo.processInfo.environment
        let inCI = environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
        let terminal = isatty(STDERR_FILENO) == 1
        enabled = !quiet && !json && (requested || (terminal && !inCI))
    }

    /// Redraws the line, at most ten times a second.
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1b}[K\(text())".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1b}[K".utf8))
    }
}

/// `1.5 GiB`, `320 KiB`, `12 B`.
func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
}
