public import ShipModel

/// One rendered manifest file, named relative to the environment's `manifests/` directory.
public struct ManifestFile: Sendable, Equatable {
    public var name: String
    public var text: String
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// Renders an environment's manifests for a release. The CLI supplies one (Kustomize overlays
/// today, Helm charts when they land); tests supply a fake. It renders with the target
/// environment's own values and overlay, never the source environment's.
public protocol ManifestRenderer {
    /// - Parameters:
    ///   - environment: The target environment, with its overlay, values and namespace.
    ///   - release: The release record being written for it.
    /// - Returns: The files, in a stable order; empty when the project deploys nothing.
    /// - Throws: Whatever the renderer reports; the promotion is then bad input.
    func render(environment: EnvironmentSpec, release: ReleaseRecord) throws -> [ManifestFile]

    /// The error-level lint findings of rendered manifests, one line each, for the
    /// `requireLint` gate; nil when this renderer cannot lint.
    func lintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws -> [String]?
}

extension ManifestRenderer {
    public func lintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws
        -> [String]?
    { nil }

    /// What the `requireLint` gate weighs: the lint errors, or one error saying that this
    /// renderer cannot lint.
    func requireLintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws
        -> [String]
    {
        try lintErrors(environment: environment, manifests: manifests)
            ?? ["this shipml cannot lint the manifests it renders"]
    }
}

/// Renders nothing: for projects without a deploy section.
public struct NoManifests: ManifestRenderer {
    public init() {}
    public func render(environment: EnvironmentSpec, release: ReleaseRecord) throws
        -> [ManifestFile]
    { [] }
}
