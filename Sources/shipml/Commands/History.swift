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
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only promotions to this environment.")
    var env: String?

    @Option(help: "Only promotions of this model.")
    var model: String?

    @Option(help: "At most this many promotions.")
    var limit: Int?

    @Option(
        help: ArgumentHelp("The state repository (default: state.repository).", valueName: "path"))
    var state: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// The command line as plain values.
    var request: HistoryRequest {
        HistoryRequest(global: global.settings, env: env, model: model, limit: limit, state: state)
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
            promotions = try releaseState.history(environment: env, model: model, limit: limit)
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
            let filter = [env.map { "to \($0)" }, model.map { "of \($0)" }].compactMap { $0 }
            Console.output(
                filter.isEmpty
                    ? "no promotions yet" : "no promotions \(filter.joined(separator: " "))")
            return
        }
        for promotion in promotions {
            let reason = promotion.message.trailer("Shipml-Reason").map { "  (\($0))" } ?? ""
            Console.output(
                "\(promotion.commit.prefix(12))  \(rfc3339(promotion.author.time))  \(promotion.message.subject)  by \(promotion.author.name)\(reason)"
            )
        }
    }
}

/// `shipml status`: what each environment runs, and whether it could move on now.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what each environment runs, and whether the next promotions' gates pass.",
        usage: "shipml status [<options>]",
        discussion: """
            One line per environment and model: version, artifact digest, age, who promoted
            it, and for each environment that takes releases from there and does not run
            this one yet, whether its gates pass now (and which fail). Reads the tip
            commit's tree, plus the commits back to a source's promotion where a soak gate
            needs its time. Without a project file, gates are not shown.

            Examples:
              shipml status
              shipml status --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("The state repository (default: state.repository).", valueName: "path"))
    var state: String?

    /// One row: the release's own fields, its age and the promotions waiting after it.
    struct Entry: Encodable {
        var record: ReleaseRecord
        var ageSeconds: Int?
        var next: [NextPromotion]?

        enum Keys: String, CodingKey { case ageSeconds, next }

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(ageSeconds, forKey: .ageSeconds)
            try container.encodeIfPresent(next, forKey: .next)
        }
    }

    /// The command line as plain values.
    var request: StatusRequest { StatusRequest(global: global.settings, state: state) }

    func run() throws { try request.run() }
}

/// What `shipml status` was asked, read by ArgumentParser or by ``QuickCommandLine``.
struct StatusRequest: Equatable {
    var global: GlobalSettings
    var state: String?

    typealias Entry = Status.Entry

    func run() throws {
        Console.configure(global)
        let now = Date()
        var entries: [Entry] = []
        do {
            let (releaseState, loaded) = try openStateAndProject(global, repository: state)
            let tip = try releaseState.repository.tip()
            let actor = CIEnvironment().identity.login
            // In the project's order of environments (dev, staging, prod), then by name.
            let order = loaded?.project.environments.map(\.name) ?? []
            let all = try releaseState.releases(at: tip)
            let known = KnownReleases(all)
            // The digest of the policy file each environment's requireValidation names, read
            // once rather than once per release.
            var policies: [String: Digest?] = [:]
            for environment in loaded?.project.environments ?? [] {
                policies[environment.name] = environment.gates.requireValidation?.policy.flatMap {
                    try? LocalFileSystem().readFile(at: loaded?.resolve($0) ?? $0)
                }.map { Digest.sha256(of: $0) }
            }
            let records = all.enumerated().sorted { left, right in
                let a = order.firstIndex(of: left.element.environment) ?? order.count
                let b = order.firstIndex(of: right.element.environment) ?? order.count
                return a != b ? a < b : left.offset < right.offset
            }.map(\.element)
            for record in records {
                var entry = Entry(
                    record: record,
                    ageSeconds: (try? Date(record.promotedAt, strategy: .iso8601)).map {
                        Int(now.timeIntervalSince($0))
                    })
                if let loaded, let tip {
                    entry.next = try NextPromotion.after(
                        record, in: loaded.project, repository: releaseState.repository,
                        tip: tip, actor: actor, now: now,
                        requiredPolicy: { policies[$0.name] ?? nil }, known: known,
                        renderer: EnvironmentRenderer(loaded: loaded))
                }
                entries.append(entry)
            }
        } catch let error as StateError {
            throw CommandFailure.badInput(error.description)
        } catch let error as GitError {
            throw CommandFailure.environment("cannot read the state repository: \(error)")
        }
        if global.json {
            Console.data(JSONOutput.encode(entries))
            return
        }
        if entries.isEmpty {
            Console.output("no releases yet")
            return
        }
        for entry in entries {
            let release = entry.record
            let age =
                entry.ageSeconds.map { "  \(ShipDuration(seconds: max($0, 0)).age) ago" } ?? ""
            var line =
                "\(release.environment)  \(release.model.name) \(release.model.version)  \(release.artifact.digest.encoded.prefix(12))  \(release.promotedAt)\(age)  by \(release.promotedBy)"
            for next in entry.next ?? [] {
                let failing = next.verdicts.filter { !$0.passed }.map(\.gate)
                line +=
                    "  → \(next.to): "
                    + (failing.isEmpty
                        ? "gates pass" : "blocked by \(failing.joined(separator: ", "))")
            }
            Console.output(line)
        }
    }
}
