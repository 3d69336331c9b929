import ArgumentParser
import ShipModel

/// The global options may come before the command, as kubectl and helm allow:
/// `shipml --json status` is `shipml status --json`.
enum GlobalArguments {
    /// Flags every command takes, alone.
    static let flags: Set<String> = ["--json", "-q", "--quiet", "-v", "--verbose", "--no-color"]
    /// Options every command takes, with a value.
    static let options: Set<String> = ["--config"]

    /// `arguments` with the global options written before the command moved after it (and
    /// after a subcommand such as `config check`). Anything else is left as it is, for
    /// ArgumentParser to read or refuse.
    static func hoisted(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if options.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if options.contains(where: { argument.hasPrefix($0 + "=") }) {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count,
            let command = command(named: arguments[index])
        else { return arguments }
        var path = [arguments[index]]
        index += 1
        if index < arguments.count,
            command.configuration.subcommands.contains(where: {
                $0.configuration.commandName == arguments[index]
            })
        {
            path.append(arguments[index])
            index += 1
        }
        return path + leading + arguments[index...]
    }

    static func command(named name: String) -> (any ParsableCommand.Type)? {
        ShipML.configuration.subcommands.first {
            $0.configuration.commandName == name || $0.configuration.aliases.contains(name)
        }
    }

    /// The names a command can be called by.
    static var commandNames: [String] {
        ShipML.configuration.subcommands.flatMap {
            [$0.configuration.commandName ?? ""] + $0.configuration.aliases
        }.filter { !$0.isEmpty }
    }

    /// For `shipml statsu`: the message naming the command meant, or nil when the first word
    /// is not a mistyped command.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), command(named: first) == nil
        else { return nil }
        let hint = Suggestions.closest(to: first, in: commandNames).map {
            "; did you mean \"\($0)\"?"
        }
        return "error: unknown command \"\(first)\"\(hint ?? "") (see shipml --help)"
    }
}
