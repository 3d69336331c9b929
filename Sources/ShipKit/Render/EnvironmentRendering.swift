import Foundation
public import Promoter
import ShipFiles
public import ShipModel

/// `shipml render --env` and `shipml lint --env`: what promotion would commit for an
/// environment, rendered by the same ``EnvironmentRenderer``.
public enum EnvironmentRendering {
    public struct Request: Sendable {
        public var config = "shipml.yaml"
        public var environment: String
        /// The release by digest (`REFERENCE@sha256:…`); nil: the release a promotion into the
        /// environment would take (its source's), else the one it runs.
        public var artifact: String?
        public var state: String?
        public var cache: String?
        /// Helm's `--show-only`, for a chart.
        public var showOnly: [String] = []

        public init(environment: String) { self.environment = environment }
    }

    public struct Result: Sendable {
        public var environment: EnvironmentSpec
        public var release: ReleaseRecord
        /// Where the release came from: "--artifact", or the environment whose release it is.
        public var releaseFrom: String
        public var files: [ManifestFile]
        public var renderer: EnvironmentRenderer
    }

    public static func run(_ request: Request, log: ShipKitLog = .silent) throws -> Result {
        let loaded = try ProjectAccess.load(request.config)
        let project = loaded.project
        guard let environment = project.environment(named: request.environment) else {
            let names = project.environments.map(\.name)
            throw ShipKitError.badInput(
                "\(loaded.file): environments: no environment \"\(request.environment)\"\(Suggestions.hint(for: request.environment, in: names)) (there are \(names.joined(separator: ", ")))"
            )
        }
        var renderer = EnvironmentRenderer(loaded: loaded)
        renderer.showOnly = request.showOnly
        if !request.showOnly.isEmpty, case .kustomization = renderer.source(for: environment) {
            throw ShipKitError.badInput(
                "--show-only picks a chart's templates; \(environment.name) is rendered from a kustomization"
            )
        }
        var release: ReleaseRecord
        let releaseFrom: String
        if let artifact = request.artifact {
            release = ReleaseRecord(
                model: .init(name: project.model.name, version: project.model.version),
                environment: environment.name,
                artifact: try PromotionService.reference(artifact, flag: "--artifact"),
                promotedAt: "", promotedBy: "")
            releaseFrom = "--artifact"
        } else {
            let location = try StateLocation.choose(flag: request.state, project: loaded)
            let state: ReleaseState
            do {
                state = try StateAccess.releaseState(
                    location, project: loaded, cache: request.cache, log: log)
            } catch let error as ShipKitError where error.category == .badInput {
                throw ShipKitError.badInput(
                    "\(error.message); name the release to render with --artifact REFERENCE@sha256:DIGEST"
                )
            }
            let candidates =
                (environment.from.count == 1 ? environment.from : []) + [environment.name]
            var found: (ReleaseRecord, String)?
            for name in candidates {
                do {
                    if let record = try state.release(environment: name, model: project.model.name)
                    {
                        found = (record, name)
                        break
                    }
                } catch {
                    throw ShipKitError.wrapping(error, context: "state repository")
                }
            }
            guard let found else {
                throw ShipKitError.badInput(
                    "no release to render for \(environment.name): \(candidates.joined(separator: " and ")) run\(candidates.count == 1 ? "s" : "") no release of \(project.model.name); name one with --artifact REFERENCE@sha256:DIGEST"
                )
            }
            release = found.0
            release.environment = environment.name
            releaseFrom = found.1
        }
        let files = try renderer.render(environment: environment, release: release)
        return Result(
            environment: environment, release: release, releaseFrom: releaseFrom, files: files,
            renderer: renderer)
    }
}
