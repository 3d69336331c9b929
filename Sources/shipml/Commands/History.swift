import ArgumentParser
import Builder
import Foundation
import Promoter
import ShipFiles
import ShipModel

/// Opens the state repository the project names (a local path for now), read-only.
func openState(_ global: GlobalOptions, repository override: String?) throws -> ReleaseState {
    var location = override ?? StateSpec.defaultRepository
    var branch = StateSpec.defaultBranch
    var base = "."
    if override == nil, LocalFileSystem().isFile(global.config) {
        do {
            let loaded = try ProjectLoader.load(global.config, fileSystem: LocalFileSystem())
            location = loaded.project.state.repository
            branch = loaded.project.state.branch
            base = loaded.directory
        } catch let error as ProjectFileError {
            Console.report(error.diagnostics)
            throw CommandFailure.silent(.badInput)
        }
    }
    if location.hasPrefix("file://") { location = String(location.dropFirst("file://".count)) }
    guard !location.contains("://"), !location.contains("@") || location.hasPrefix("/") else {
        throw CommandFailure.badInput(
            "state repository \(RedactedLocation(location)): reading a remote state repository arrives with shipml promote; clone it and pass --state PATH"
        )
    }
    let path = location.hasPrefix("/") ? location : joinPath(base, location)
    guard LocalFileSystem().isDirectory(path) else {
        throw CommandFailure.badInput(
            "state repository \(path) does not exist; shipml release or promote creates it")
    }
    do {
        return ReleaseState(
            GitStateRepository(try GitRepository(openingAt: path), branch: "refs/heads/\(branch)"))
    } catch let error as GitError {
        throw CommandFailure.badInput("state repository \(path): \(error)")
    }
}

/// A location shown without anything that looks like credentials.
struct RedactedLocation: CustomStringConvertible {
    let text: String
    init(_ text: String) { self.text = text }
    var description: String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@"),
            at.lowerBound > scheme.upperBound
        else { return text }
        return String(text[..<scheme.upperBound]) + "***@" + String(text[at.upperBound...])
    }
}

/// `shipml history`: the promotions recorded in the state repository.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List promotions, newest first, read from the state repository's commits.",
        discussion: """
            Every promotion is a commit whose subject is promote(<model>): <version> → <env>
            and whose trailers (Shipml-Release, Shipml-From, Shipml-Reason, ...) say the rest;
            this reads them back. Other commits are skipped.

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

    func run() throws {
        Console.configure(global)
        let promotions: [ReleaseState.Promotion]
        do {
            promotions = try openState(global, repository: state).history(
                environment: env, model: model, limit: limit)
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
                            time: Timestamp.rfc3339($0.author.time),
                            trailers: Dictionary(
                                $0.message.trailers.map { ($0.key, $0.value) },
                                uniquingKeysWith: { first, _ in first }))
                    }))
            return
        }
        if promotions.isEmpty {
            Console.output("no promotions yet")
            return
        }
        for promotion in promotions {
            let reason = promotion.message.trailer("Shipml-Reason").map { "  (\($0))" } ?? ""
            Console.output(
                "\(promotion.commit.prefix(12))  \(Timestamp.rfc3339(promotion.author.time))  \(promotion.message.subject)  by \(promotion.author.name)\(reason)"
            )
        }
    }
}

/// `shipml status`: what each environment runs.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what each environment runs, read from the state repository's tip.",
        discussion: """
            One line per environment and model: version, artifact digest, when and by whom it was
            promoted. Reads only the tip commit's tree.

            Examples:
              shipml status
              shipml status --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("The state repository (default: state.repository).", valueName: "path"))
    var state: String?

    func run() throws {
        Console.configure(global)
        let releases: [ReleaseRecord]
        do {
            releases = try openState(global, repository: state).releases()
        } catch let error as StateError {
            throw CommandFailure.badInput(error.description)
        } catch let error as GitError {
            throw CommandFailure.environment("cannot read the state repository: \(error)")
        }
        if global.json {
            Console.data(JSONOutput.encode(releases))
            return
        }
        if releases.isEmpty {
            Console.output("no releases yet")
            return
        }
        for release in releases {
            Console.output(
                "\(release.environment)  \(release.model.name) \(release.model.version)  \(release.artifact.digest.encoded.prefix(12))  \(release.promotedAt)  by \(release.promotedBy)"
            )
        }
    }
}
