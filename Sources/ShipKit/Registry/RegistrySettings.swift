import Builder
public import Foundation
public import Registry
public import ShipModel

/// How a job talks to registries: what `--plain-http`, `--insecure`, `--ca-file`,
/// `--username`/`--password-stdin`, `--jobs`, `--retries` and `--chunk-size` say.
public struct RegistrySettings: Sendable {
    public var username: String?
    /// The password or token for `username` (read from standard input by the command line).
    public var password: String?
    public var plainHTTP = false
    public var insecure = false
    public var caFile: String?
    public var jobs = 4
    public var retries = 6
    /// In MiB: blobs larger than this go up in PATCH chunks of this size.
    public var chunkSize: Int?
    /// The HTTP exchanges, for `--verbose`.
    public var log: (@Sendable (String) -> Void)?
    /// What `shipml.yaml`'s `registries:` says per host; the flags above win where set.
    public var hosts: [String: RegistrySpec] = [:]
    /// The folder a host's `caFile` is relative to (the project file's).
    public var projectDirectory = "."
    /// The process environment (`SHIPML_REGISTRY_USERNAME`, `SHIPML_CACHE_DIR`, ...).
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The credential chain: the flags, then `SHIPML_REGISTRY_USERNAME`/`_PASSWORD`, then
    /// docker's config and credential helpers.
    public func credentials() throws -> any CredentialSource {
        var sources: [any CredentialSource] = []
        if let username {
            guard let password, !password.isEmpty else {
                throw ShipKitError.badInput(
                    "--username \(username) needs a password: pipe it to --password-stdin")
            }
            sources.append(StaticCredentials(.basic(username: username, password: password)))
        }
        if let user = environment["SHIPML_REGISTRY_USERNAME"], !user.isEmpty,
            let password = environment["SHIPML_REGISTRY_PASSWORD"]
        {
            sources.append(StaticCredentials(.basic(username: user, password: password)))
        }
        sources.append(DockerConfigCredentials.standard())
        return CredentialChain(sources)
    }

    /// Where blobs were seen in registries, beside the layer cache, so pushes can mount them.
    public func locations() -> BlobLocations? {
        LayerCache.defaultDirectory(environment: environment).map {
            BlobLocations(directory: $0)
        }
    }

    /// The project's per-registry settings under these.
    public mutating func apply(_ project: LoadedProject?) {
        guard let project else { return }
        hosts = project.project.registries
        projectDirectory = project.directory
    }

    /// A session with the registry at `host`: the flags, else what `registries:` says for it.
    public func session(for host: String, credentials: any CredentialSource) -> RegistrySession {
        let spec = hosts[host]
        let caFile = caFile ?? spec?.caFile.map { absolutePath($0, base: projectDirectory) }
        let plainHTTP = plainHTTP || spec?.plainHTTP == true
        let insecure = insecure || spec?.insecure == true
        var options = HTTPClient.Options(
            version: ShipKitVersion.current, insecure: insecure, caFile: caFile)
        options.followRedirects = true
        var quirks = RegistryQuirks.forHost(host)
        if let chunkSize {
            quirks.chunkSize = Int64(chunkSize) << 20
            quirks.monolithicLimit = Int64(chunkSize) << 20
        }
        return RegistrySession(
            endpoint: RegistryEndpoint(host: host, plainHTTP: plainHTTP),
            credentials: credentials, options: options, retry: RetryPolicy(attempts: retries),
            quirks: quirks, log: log)
    }

    /// The repository `reference` names, with a session and the credentials.
    public func repository(_ reference: RegistryReference) throws -> RemoteRepository {
        RemoteRepository(
            session: session(for: reference.host, credentials: try credentials()),
            name: reference.repository)
    }
}

/// shipml's version, sent in the User-Agent and written into reports.
public enum ShipKitVersion {
    public static let current = "0.1.0"
}
