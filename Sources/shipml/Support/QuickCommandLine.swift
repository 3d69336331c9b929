import Foundation

/// `shipml history` and `shipml status` command lines in their plainest spellings, read
/// without ArgumentParser.
///
/// ArgumentParser builds a command's arguments by reflection, and in this binary (a static
/// Swift runtime, Foundation and some 8,000 protocol conformances) that costs about 5 ms of
/// the 18 ms `shipml history` takes: these two are run from scripts and shell prompts, often.
/// Only what is unambiguous is read here: long options as `--name value` or `--name=value`,
/// the global flags, `-q` and `-v` alone. Anything else returns nil and goes through
/// ArgumentParser, which then reads it or says what is wrong with its own words: help and
/// the version, short flags run together, a repeated option, a value starting with `-`,
/// `--`, an unknown name, and anything its validation would refuse. Tests
/// (`QuickCommandLineTests`) check that every command line read here is read the same way
/// by ArgumentParser.
enum QuickCommandLine: Equatable {
    case history(HistoryRequest)
    case status(StatusRequest)

    /// The command the arguments ask for, or nil for ArgumentParser to read them.
    static func read(_ arguments: [String]) -> QuickCommandLine? {
        guard let command = arguments.first else { return nil }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "history":
            guard let words = Words(rest, options: ["env", "model", "limit", "state", "since"]),
                let global = words.global
            else { return nil }
            var limit: Int?
            if let text = words.options["limit"] {
                guard let number = Int(text), number >= 1 else { return nil }
                limit = number
            }
            if let since = words.options["since"],
                HistoryRequest.cutoff(since, now: Date()) == nil
            {
                return nil
            }
            return .history(
                HistoryRequest(
                    global: global, env: words.options["env"], model: words.options["model"],
                    limit: limit, state: words.options["state"], since: words.options["since"]))
        case "status":
            guard
                let words = Words(rest, options: ["state", "env", "model", "cache", "output"]),
                let global = words.global
            else { return nil }
            var output: OutputFormat?
            if let text = words.options["output"] {
                guard let format = OutputFormat(rawValue: text),
                    !global.json || format == .json
                else { return nil }
                output = format
            }
            return .status(
                StatusRequest(
                    global: global, state: words.options["state"], env: words.options["env"],
                    model: words.options["model"], cache: words.options["cache"],
                    output: output))
        default:
            return nil
        }
    }

    func run() throws {
        switch self {
        case .history(let request): try request.run()
        case .status(let request): try request.run()
        }
    }

    /// Options by name and the global flags set, each at most once.
    private struct Words {
        static let flags: [String: String] = [
            "--json": "json", "--quiet": "quiet", "-q": "quiet", "--verbose": "verbose",
            "-v": "verbose", "--no-color": "noColor",
        ]
        var options: [String: String] = [:]
        var flags: Set<String> = []

        init?(_ arguments: [String], options names: Set<String>) {
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                index += 1
                if let flag = Self.flags[argument] {
                    guard flags.insert(flag).inserted else { return nil }
                    continue
                }
                guard argument.hasPrefix("--") else { return nil }
                var name = String(argument.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                }
                guard names.contains(name) || name == "config", let value, !value.isEmpty,
                    !value.hasPrefix("-"), options.updateValue(value, forKey: name) == nil
                else { return nil }
            }
        }

        /// The global flags, nil when ArgumentParser's validation would refuse them.
        var global: GlobalSettings? {
            var settings = GlobalSettings()
            if let config = options["config"] { settings.config = config }
            settings.json = flags.contains("json")
            settings.quiet = flags.contains("quiet")
            settings.verbose = flags.contains("verbose")
            settings.noColor = flags.contains("noColor")
            return settings.quiet && settings.verbose ? nil : settings
        }
    }
}
