import Foundation
@preconcurrency import Rainbow
import ShipKit
import ShipModel

/// Where shipml writes: results to standard output, diagnostics to standard error, colour only
/// on a terminal and never under `--no-color` or `NO_COLOR`.
enum Console {
    nonisolated(unsafe) static var quiet = false
    nonisolated(unsafe) static var verbose = false

    /// Decides colour once, from the flags, the environment and whether stderr is a terminal.
    static func configure(_ options: GlobalOptions) {
        configure(options.settings)
    }

    /// The same, from plain values.
    static func configure(_ options: GlobalSettings) {
        quiet = options.quiet
        verbose = options.verbose
        // getenv, not ProcessInfo.environment, which copies the whole environment first.
        let noColorVariable = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        Rainbow.enabled = !options.noColor && !noColorVariable && isatty(STDERR_FILENO) == 1
    }

    /// A result line on standard output (suppressed by `--quiet`).
    static func output(_ text: String) {
        guard !quiet else { return }
        writeLine(text)
    }

    /// Machine output: always printed, whatever `--quiet` says.
    static func data(_ text: String) {
        writeLine(text)
    }

    /// `text` and a newline into C's buffered standard output, where `print` writes too,
    /// without `print`'s dynamic casts of its argument. Output text never holds a NUL.
    private static func writeLine(_ text: String) {
        _ = puts(text)
    }

    /// ShipKit's warnings and `--verbose` lines, printed here.
    static let log = ShipKitLog(
        warning: { Console.warning($0) }, info: { Console.info($0) })

    static func error(_ text: String) {
        writeError("\("error:".red.bold) \(text)")
    }

    static func warning(_ text: String) {
        guard !quiet else { return }
        writeError("\("warning:".yellow.bold) \(text)")
    }

    static func info(_ text: String) {
        guard verbose else { return }
        writeError(text.dim)
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints diagnostics as `file:line:col: severity: path: message`, coloured by severity.
    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            if diagnostic.severity == .warning, quiet { continue }
            let location = "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column):"
            let label =
                diagnostic.severity == .error ? "error:".red.bold : "warning:".yellow.bold
            let field = diagnostic.path.isEmpty ? "" : "\(diagnostic.path): "
            writeError("\(location.bold) \(label) \(field)\(diagnostic.message)")
        }
    }
}
