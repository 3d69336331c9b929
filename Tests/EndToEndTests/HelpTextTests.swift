import Foundation
import ShipMLTestSupport
import Testing

/// Every command's `--help` reads well at 80 columns (a pipe, a CI log, an 80-column terminal):
/// ArgumentParser wraps at the width COLUMNS names (80 when standard output is not a terminal),
/// so the hand-wrapped discussions must fit in 79 columns or it breaks their lines again.
struct HelpTextTests {
    /// `shipml` and every subcommand, nested ones (`config check`) included, as their help's
    /// SUBCOMMANDS sections list them.
    func commands(in directory: String) throws -> [[String]] {
        var found: [[String]] = []
        var pending: [[String]] = [[]]
        while let command = pending.first {
            pending.removeFirst()
            found.append(command)
            let help = try ShipMLExecutable.run(
                command + ["--help"], in: directory, environment: ["COLUMNS": "80"])
            pending += Self.subcommands(in: help.stdout).map { command + [$0] }
        }
        return found
    }

    /// The names in a help text's SUBCOMMANDS section: the lines indented by two spaces.
    static func subcommands(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            // `render, template`: a command and its aliases; the command is enough.
            if let name = line.split(separator: " ").first?.split(separator: ",").first,
                name != "help"
            {
                names.append(String(name))
            }
        }
        return names
    }

    /// What comes between the overview and USAGE: the command's discussion.
    static func discussion(of help: String) -> Substring {
        guard let start = help.range(of: "\n\n"), let end = help.range(of: "\nUSAGE: "),
            start.lowerBound < end.lowerBound
        else { return "" }
        return help[start.lowerBound..<end.lowerBound]
    }

    @Test func everyCommandsHelpFitsEightyColumns() throws {
        let scratch = try ScratchDirectory()
        let commands = try commands(in: scratch.path)
        #expect(commands.count >= 20, "\(commands)")
        #expect(commands.contains(["config", "check"]), "\(commands)")
        for command in commands {
            let name = (["shipml"] + command).joined(separator: " ")
            let narrow = try ShipMLExecutable.run(
                command + ["--help"], in: scratch.path,
                environment: ["COLUMNS": "80", "LINES": "25"])
            #expect(narrow.status == 0, "\(name) --help: \(narrow.stderr)")
            #expect(narrow.stdout.contains("Examples:"), "\(name) --help has no examples")
            for line in narrow.stdout.split(separator: "\n") where line.count > 80 {
                Issue.record("\(name) --help: \(line.count) columns: \(line)")
            }
            // Wide, ArgumentParser breaks no line of the discussion; at 80 columns it must
            // not have to either, or the hand-made breaks and its own make a ragged text.
            let wide = try ShipMLExecutable.run(
                command + ["--help"], in: scratch.path,
                environment: ["COLUMNS": "1000", "LINES": "25"])
            let narrowLines = Self.discussion(of: narrow.stdout).split(separator: "\n")
            let wideLines = Self.discussion(of: wide.stdout).split(separator: "\n")
            if let first = zip(narrowLines, wideLines).first(where: { $0 != $1 }) {
                Issue.record(
                    "\(name) --help is wrapped again at 80 columns: \"\(first.0)\" is \"\(first.1)\""
                )
            } else {
                #expect(narrowLines.count == wideLines.count, "\(name) --help")
            }
        }
    }
}
