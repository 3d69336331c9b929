import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
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

    @Option(help: "Attempts per request on connection errors, 408, 429 and 5xx (1: no retry).")
    var retries = 6

    func validate() throws {
        if passwordStdin && username == nil {
            throw ValidationError("--password-stdin needs --username")
        }
        if retries < 1 || retries > 20 { throw ValidationError("--retries must be 1 to 20") }
    }

    /// The flags as ShipKit's settings; the password is read from standard input once.
    func settings(global: GlobalOptions, transfer: TransferOptions? = nil) throws
        -> RegistrySettings
    {
        var settings = RegistrySettings()
        settings.username = username
        if username != nil, passwordStdin {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            var password = String(decoding: data, as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") {
                password.removeLast()
            }
            settings.password = password
        }
        settings.plainHTTP = plainHTTP
        settings.insecure = insecure
        settings.caFile = caFile
        settings.retries = retries
        if let transfer {
            settings.jobs = transfer.jobs
            settings.chunkSize = transfer.chunkSize
        }
        if global.verbose {
            settings.log = { line in Console.info(line) }
        }
        // shipml.yaml's registries: say per host what these flags say for all.
        settings.apply(try ProjectAccess.loadIfPresent(global.config))
        return settings
    }

    /// The credential chain: the flags, then `SHIPML_REGISTRY_USERNAME`/`_PASSWORD`, then
    /// docker's config and credential helpers.
    func credentials(global: GlobalOptions) throws -> any CredentialSource {
        try settings(global: global).credentials()
    }

    /// Where blobs were seen in registries, beside the layer cache, so pushes can mount them.
    func locations() -> BlobLocations? {
        RegistrySettings().locations()
    }

    /// A session with the registry at `host`.
    func session(
        for host: String, global: GlobalOptions, transfer: TransferOptions? = nil
    ) throws -> RegistrySession {
        let settings = try settings(global: global, transfer: transfer)
        return settings.session(for: host, credentials: try settings.credentials())
    }
}

/// How commands that move blobs move them: in parallel, and in chunks.
struct TransferOptions: ParsableArguments {
    @Option(help: "Parallel blob transfers.")
    var jobs = 4

    @Option(
        help: ArgumentHelp(
            "Upload blobs larger than this in PATCH chunks of this size, in MiB (default 64 and 128; a proxy that limits request bodies, say).",
            valueName: "MiB"))
    var chunkSize: Int?

    func validate() throws {
        if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be 1 to 64") }
        if let chunkSize, chunkSize < 1 || chunkSize > 4096 {
            throw ValidationError("--chunk-size must be 1 to 4096 (MiB)")
        }
    }
}

/// Turns a registry failure into shipml's exit codes: 2 when what was named does not exist or
/// was refused as invalid, 3 when the network, the registry or the credentials failed.
func registryFailure(_ error: RegistryError) -> CommandFailure {
    ShipKitError.wrapping(error)
}
