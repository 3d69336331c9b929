import ArgumentParser
import Builder
import Foundation
import Promoter
import ShipFiles
import ShipKit
import ShipModel
import Validator

/// Opens the state repository the project names (or `override`), read-only, and the project
/// when there is a project file. A URL is fetched into the cache under `.shipml/cache` first.
func openStateAndProject(
    _ global: GlobalSettings, repository override: String?, cache: String? = nil
) throws -> (state: ReleaseState, project: LoadedProject?) {
    let project = try ProjectAccess.loadIfPresent(global.config)
    let location = try StateLocation.choose(flag: override, project: project)
    return (
        try StateAccess.releaseState(location, project: project, cache: cache, log: Console.log),
        project
    )
}

/// `shipml history`: the promotions recorded in the state repository.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List promotions, newest first, read from the state repository's commits.",
        usage: "shipml history [<options>]",
        discussion: """
            Every promotion is a commit whose subject is
            promote(<model>): <version> → <env> and whose trailers (Shipml-Release,
            Shipml-From, Shipml-Reason, ...) say the rest; this reads them back. Other
            commits are skipped.

            Examples:
              shipml history
              shipml history --env prod --limit 20
              shipml history --model sentiment --json
              shipml history --since 7d
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only promotions to this environment.", completion: Completions.environments)
    var env: String?

    @Option(help: "Only promotions of this model.", completion: Completions.models)
    var model: String?

    @Option(help: "At most this many promotions.")
    var limit: Int?

    @Option(
        help: ArgumentHelp(
            "Only promotions this recent: a duration (30m, 2h, 7d) or an RFC 3339 time.",
            valueName: "duration|time"))
    var since: String?

    @Option(
        help: ArgumentHelp("The state repository (default: state.repository).", valueName: "path"))
    var state: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let since, HistoryRequest.cutoff(since, now: Date()) == nil {
            throw ValidationError(
                "--since \(since): expected a duration like 30m, 2h or 7d, or a time like 2026-01-31T12:00:00Z"
            )
        }
    }

    /// The command line as plain values.
    var request: HistoryRequest {
        HistoryRequest(
            global: global.settings, env: env, model: model, limit: limit, state: state,
            since: since)
    }

    func run() throws { try request.run() }
}

/// What `shipml history` was asked, read by ArgumentParser or by ``QuickCommandLine``.
struct HistoryRequest: Equatable {
    var global: GlobalSettings
    var env: String?
    var model: String?
    var limit: Int?
    var state: String?
    var since: String?

    /// The oldest time `--since` keeps.
    static func cutoff(_ text: String, now: Date) -> Date? {
        if let duration = ShipDuration(parsing: text) {
            return now.addingTimeInterval(-TimeInterval(duration.seconds))
        }
        return try? Date(text, strategy: .iso8601)
    }

    func run() throws {
        Console.configure(global)
        let promotions: [ReleaseState.Promotion]
        do {
            let (releaseState, loaded) = try openStateAndProject(global, repository: state)
            // An environment the project does not name may be a retired one, still in the
            // history: searched for all the same, with a word in case it is a typo (the
            // search then reads every commit).
            if let env, let environments = loaded?.project.environments.map(\.name),
                !environments.contains(env)
            {
                let guess = Suggestions.closest(to: env, in: environments).map {
                    " (did you mean \"\($0)\"?)"
                }
                Console.warning(
                    "\(global.config) names no environment \"\(env)\"\(guess ?? ""); "
                        + "searching the history for it anyway")
            }
            if let since, let cutoff = Self.cutoff(since, now: Date()) {
                // Newest first: what is older than the cutoff ends the list.
                let all = try releaseState.history(environment: env, model: model, limit: nil)
                let recent = all.prefix { $0.author.time >= cutoff }
                promotions = Array(limit.map { recent.prefix($0) } ?? recent)
            } else {
                promotions = try releaseState.history(environment: env, model: model, limit: limit)
            }
        } catch let error as GitError {
            throw CommandFailure.environment("cannot read the state repository: \(error)")
        }
        if global.json {
            struct Entry: Encodable {
                var commit: String
                var model: String
                var version: String
                var environment: String
                var author: String
                var time: String
                var trailers: [String: String]
            }
            Console.data(
                JSONOutput.encode(
                    promotions.map {
                        Entry(
                            commit: $0.commit, model: $0.message.model,
                            version: $0.message.version, environment: $0.message.environment,
                            author: "\($0.author.name) <\($0.author.email)>",
                            time: rfc3339($0.author.time),
                            trailers: Dictionary(
                                $0.message.trailers.map { ($0.key, $0.value) },
                                uniquingKeysWith: { first, _ in first }))
                    }))
            return
        }
        if promotions.isEmpty {
            let filter = [
                env.map { "to \($0)" }, model.map { "of \($0)" }, since.map { "since \($0)" },
            ].compactMap { $0 }
            Console.output(
                filter.isEmpty
                    ? "no promotions yet" : "no promotions \(filter.joined(separator: " "))")
            return
        }
        var table = TextTable(["COMMIT", "PROMOTED AT", "PROMOTION", "BY", "REASON"])
        for promotion in promotions {
            table.append([
                String(promotion.commit.prefix(12)), rfc3339(promotion.author.time),
                promotion.message.subject, promotion.author.name,
                promotion.message.trailer("Shipml-Reason") ?? "-",
            ])
        }
        Console.output(table.text)
    }
}

/// How a table-printing command prints: as kubectl's `-o`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Equatable {
    case table, wide, json, yaml
}

/// `shipml status`: what each environment runs, and whether it could move on now.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what each environment runs, and whether the next promotions' gates pass.",
        usage: "shipml status [<options>]",
        discussion: """
            A table, as kubectl prints one: a row per environment and model with the
            version, the release's digest (the 12 digits promote, approve and rollback
            take), its age and who promoted it, and for each environment that takes
            releases from there and does not run this one yet, whether its gates pass now
            (and which fail, with the time a soak still needs). An environment that runs
            nothing has a row too. Reads the tip commit's tree, plus the commits back to a
            source's promotion where a soak gate needs its time. Without a project file,
            gates are not shown.

            -o wide adds the artifact and the time of the promotion; -o json (or --json)
            and -o yaml print the release records with ageSeconds and next.

            Examples:
              shipml status
              shipml status --env prod -o wide
              shipml status --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this environment.", completion: Completions.environments)
    var env: String?

    @Option(help: "Only this model.", completion: Completions.models)
    var model: String?

    @Option(name: [.customShort("o"), .long], help: "table, wide, json or yaml.")
    var output: OutputFormat?

    @Option(
        help: ArgumentHelp("The state repository (default: state.repository).", valueName: "path"))
    var state: String?

    @Option(
        help: ArgumentHelp(
            "Where remote state is cached (default: .shipml/cache).", valueName: "dir"))
    var cache: String?

    func validate() throws {
        if global.json, let output, output != .json {
            throw ValidationError("--json and -o \(output.rawValue) ask for two outputs; give one")
        }
    }

    typealias Entry = StatusService.Entry

    /// The command line as plain values.
    var request: StatusRequest {
        StatusRequest(
            global: global.settings, state: state, env: env, model: model, cache: cache,
            output: output)
    }

    func run() throws { try request.run() }
}

/// What `shipml status` was asked, read by ArgumentParser or by ``QuickCommandLine``.
struct StatusRequest: Equatable {
    var global: GlobalSettings
    var state: String?
    var env: String?
    var model: String?
    var cache: String?
    var output: OutputFormat?

    func run() throws {
        Console.configure(global)
        var request = StatusService.Request()
        request.config = global.config
        request.state = state
        request.cache = cache
        request.environment = env
        request.model = model
        let result = try StatusService.run(request, log: Console.log)
        let format = output ?? (global.json ? .json : .table)
        switch format {
        case .json:
            Console.data(JSONOutput.encode(result.entries))
            return
        case .yaml:
            do {
                Console.data(try YAMLOutput.encode(result.entries))
            } catch {
                throw CommandFailure.environment("cannot encode the status as YAML: \(error)")
            }
            return
        case .table, .wide:
            break
        }
        if result.entries.isEmpty && result.idle.isEmpty {
            Console.output(
                env.map { "\($0) runs nothing" } ?? model.map { "no releases of \($0)" }
                    ?? "no releases yet")
            return
        }
        let wide = format == .wide
        var table = TextTable(
            ["ENVIRONMENT", "MODEL", "VERSION", "RELEASE", "AGE", "PROMOTED BY"]
                + (wide ? ["PROMOTED AT", "ARTIFACT"] : []) + ["NEXT"])
        for entry in result.entries {
            let release = entry.record
            let age = entry.ageSeconds.map { ShipDuration(seconds: max($0, 0)).age } ?? "-"
            let next = (entry.next ?? []).map { next -> String in
                let failing = next.verdicts.filter { !$0.passed }
                guard !failing.isEmpty else { return "→ \(next.to): gates pass" }
                var text = "→ \(next.to): blocked by \(failing.map(\.gate).joined(separator: ", "))"
                if let soak = failing.first(where: { $0.gate == "soak" }),
                    let remedy = soak.remedy, remedy.hasPrefix("wait ")
                {
                    text += " (soak: \(remedy.dropFirst(5)) left)"
                }
                return text
            }
            table.append(
                [
                    release.environment, release.model.name, release.model.version,
                    String(release.artifact.digest.encoded.prefix(12)), age, release.promotedBy,
                ] + (wide ? [release.promotedAt, release.artifact.reference] : [])
                    + [next.isEmpty ? "-" : next.joined(separator: "; ")])
        }
        for name in result.idle {
            table.append(
                [name, "-", "-", "-", "-", "-"] + (wide ? ["-", "-"] : []) + ["runs nothing"])
        }
        Console.output(table.text)
    }
}
