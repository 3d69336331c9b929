import ArgumentParser
import Builder
import Foundation
import Registry
import ShipModel

/// How commands that talk to a registry connect and log in.
struct RegistryOptions: ParsableArguments {
    @Option(help: "Log in as this user (the password comes from --password-stdin).")
    var username: String?

    @Flag(help: "Read the password or token from standard input.")
    var passwordStdin = false

    @Flag(
        help: "Talk plain HTTP to the registry (a loopback registry, say). Never for the internet.")
    var plainHTTP = false

    @Flag(help: "Do not verify the registry's TLS certificate. Only for a registry you trust.")
    var insecure = false

    @Option(
        help: ArgumentHelp("Verify TLS with this PEM bundle of CA certificates.", valueName: "file")
    )
    var caFile: String?

    @Option(help: "Parallel blob transfers.")
    var jobs = 4

    @Option(help: "Attempts per request on connection errors, 408, 429 and 5xx (1: no retry).")
    var retries = 6

    @Option(
        help: ArgumentHelp(
            "Upload blobs larger than this in PATCH chunks of this size, in MiB (default 64 and 128; a proxy that limits request bodies, say).",
            valueName: "MiB"))
    var chunkSize: Int?

    func validate() throws {
        if passwordStdin && username == nil {
            throw ValidationError("--password-stdin needs --username")
        }
        if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be 1 to 64") }
        if retries < 1 || retries > 20 { throw ValidationError("--retries must be 1 to 20") }
        if let chunkSize, chunkSize < 1 || chunkSize > 4096 {
            throw ValidationError("--chunk-size must be 1 to 4096 (MiB)")
        }
    }

    /// The credential chain: the flags, then `SHIPML_REGISTRY_USERNAME`/`_PASSWORD`, then
    /// docker's config and credential helpers.
    func credentials() throws -> any CredentialSource {
        var sources: [any CredentialSource] = []
        if let username {
            var password = ""
            if passwordStdin {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                password = String(decoding: data, as: UTF8.self)
                while password.hasSuffix("\n") || password.hasSuffix("\r") {
                    password.removeLast()
                }
            }
            guard !password.isEmpty else {
                throw CommandFailure.badInput(
                    "--username \(username) needs a password: pipe it to --password-stdin")
            }
            sources.append(StaticCredentials(.basic(username: username, password: password)))
        }
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["SHIPML_REGISTRY_USERNAME"], !user.isEmpty,
            let password = environment["SHIPML_REGISTRY_PASSWORD"]
        {
            sources.append(StaticCredentials(.basic(username: user, password: password)))
        }
        sources.append(DockerConfigCredentials.standard())
        return CredentialChain(sources)
    }

    /// Where blobs were seen in registries, beside the layer cache, so pushes can mount them.
    func locations() -> BlobLocations? {
        LayerCache.defaultDirectory(environment: ProcessInfo.processInfo.environment).map {
            BlobLocations(directory: $0)
        }
    }

    /// A session with the registry of `reference`.
    func session(for host: String, global: GlobalOptions, credentials: any CredentialSource)
        -> RegistrySession
    {
        var options = HTTPClient.Options(
            version: ShipMLVersion.current, insecure: insecure, caFile: caFile)
        options.followRedirects = true
        var log: (@Sendable (String) -> Void)?
        if global.verbose {
            log = { line in Console.info(line) }
        }
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
}

/// Turns a registry failure into shipml's exit codes: 2 when what was named does not exist or
/// was refused as invalid, 3 when the network, the registry or the credentials failed.
func registryFailure(_ error: RegistryError) -> CommandFailure {
    error.isEnvironmental
        ? .environment(error.description) : .badInput(error.description)
}
