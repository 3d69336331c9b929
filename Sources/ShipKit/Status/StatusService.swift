public import Foundation
public import Promoter
import ShipFiles
public import ShipModel

/// `shipml status`: what each environment runs, and whether its next promotions would pass.
public enum StatusService {
    public struct Request: Sendable {
        public var config = "shipml.yaml"
        public var state: String?
        public var cache: String?
        /// Only this environment, or this model.
        public var environment: String?
        public var model: String?
        public var now = Date()
        public var ci = CIEnvironment()

        public init() {}
    }

    /// One release: its record, its age and the promotions waiting after it.
    public struct Entry: Encodable, Sendable {
        public var record: ReleaseRecord
        public var ageSeconds: Int?
        public var next: [NextPromotion]?

        enum Keys: String, CodingKey { case ageSeconds, next }

        public func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(ageSeconds, forKey: .ageSeconds)
            try container.encodeIfPresent(next, forKey: .next)
        }
    }

    public struct Result: Sendable {
        /// The releases, in the project's order of environments, then as the state holds them.
        public var entries: [Entry]
        /// The environments of the project (filtered as asked) that run nothing.
        public var idle: [String]
    }

    public static func run(_ request: Request, log: ShipKitLog = .silent) throws -> Result {
        let loaded = try ProjectAccess.loadIfPresent(request.config)
        if let environment = request.environment, let loaded,
            loaded.project.environment(named: environment) == nil
        {
            let names = loaded.project.environments.map(\.name)
            log.warning(
                "\(request.config) names no environment \"\(environment)\"\(Suggestions.hint(for: environment, in: names))"
            )
        }
        let location = try StateLocation.choose(flag: request.state, project: loaded)
        let releaseState = try StateAccess.releaseState(
            location, project: loaded, cache: request.cache, environment: request.ci.variables,
            log: log)
        var entries: [Entry] = []
        do {
            let tip = try releaseState.repository.tip()
            let actor = request.ci.identity.login
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
            }.map(\.element).filter { record in
                (request.environment.map { $0 == record.environment } ?? true)
                    && (request.model.map { $0 == record.model.name } ?? true)
            }
            for record in records {
                var entry = Entry(
                    record: record,
                    ageSeconds: (try? Date(record.promotedAt, strategy: .iso8601)).map {
                        Int(request.now.timeIntervalSince($0))
                    })
                if let loaded, let tip {
                    entry.next = try NextPromotion.after(
                        record, in: loaded.project, repository: releaseState.repository,
                        tip: tip, actor: actor, now: request.now,
                        requiredPolicy: { policies[$0.name] ?? nil }, known: known,
                        renderer: EnvironmentRenderer(loaded: loaded))
                }
                entries.append(entry)
            }
        } catch let error as GitError {
            throw ShipKitError.environment("cannot read the state repository: \(error)")
        } catch {
            throw ShipKitError.wrapping(error)
        }
        let running = Set(entries.map(\.record.environment))
        let idle = (loaded?.project.environments.map(\.name) ?? []).filter { name in
            !running.contains(name) && (request.environment.map { $0 == name } ?? true)
        }
        return Result(entries: entries, idle: idle)
    }
}

/// Rows of text in aligned columns, as kubectl prints them: a header in capitals, then the
/// cells, each column as wide as its widest cell and three spaces apart.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public var text: String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 3)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
