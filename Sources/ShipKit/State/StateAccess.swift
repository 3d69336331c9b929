public import Foundation
public import Promoter
import ShipFiles
public import ShipModel

/// Opens the state repository: the one opener behind every command that reads or writes it.
public enum StateAccess {
    /// The workspace a state-writing command works in: the repository itself for a local
    /// checkout, a cache clone for a remote. A plain local path that does not exist becomes a
    /// new bare repository; the project's `state.signingKey` signs its commits.
    /// - Parameters:
    ///   - cache: `--cache` (relative to the working directory); default `.shipml/cache`
    ///     beside the project file.
    /// - Throws: ``ShipKitError``: bad input for a location or state shipml cannot use, the
    ///   environment when the repository cannot be opened or the key cannot be read.
    public static func workspace(
        _ location: StateLocation, project loaded: LoadedProject, cache: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        log: ShipKitLog = .silent
    ) throws -> StateWorkspace {
        let cacheRoot = cacheDirectory(cache, project: loaded)
        do {
            let workspace = try StateWorkspace(
                location: location.resolved, branch: loaded.project.state.branch,
                cacheRoot: cacheRoot, credentials: StateCredentials.fromEnvironment(environment),
                create: location.mayCreate)
            warnIfCertificatesAreNotChecked(workspace, location, log: log)
            workspace.signer = try CommitSigner.configured(
                signingKey: loaded.project.state.signingKey.map { key in
                    key.hasPrefix("~/") || key.hasPrefix("key::") || key.hasPrefix("ssh-")
                        ? key : absolutePath(loaded.resolve(key))
                },
                gitConfig: { workspace.repository.configValue($0) })
            return workspace
        } catch let error as SigningError {
            throw ShipKitError.environment(error.description)
        } catch let error as StateError {
            throw ShipKitError.badInput(error.description)
        } catch {
            throw ShipKitError.environment(
                "cannot open the state repository \(location): \(error)")
        }
    }

    /// The state as a read-only command sees it: a remote is fetched into the cache first
    /// (never created); a local path must exist.
    public static func releaseState(
        _ location: StateLocation, project loaded: LoadedProject?, cache: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        log: ShipKitLog = .silent
    ) throws -> ReleaseState {
        let branch = loaded?.project.state.branch ?? StateSpec.defaultBranch
        if location.isURL || !location.mayCreate {
            do {
                let workspace = try StateWorkspace(
                    location: location.resolved, branch: branch,
                    cacheRoot: cacheDirectory(cache, project: loaded),
                    credentials: StateCredentials.fromEnvironment(environment), create: false)
                warnIfCertificatesAreNotChecked(workspace, location, log: log)
                try workspace.refresh()
                return ReleaseState(workspace.state)
            } catch let error as StateError {
                throw ShipKitError.badInput(error.description)
            } catch {
                throw ShipKitError.environment(
                    "cannot fetch the state repository \(location): \(error)")
            }
        }
        let path = location.resolved
        guard LocalFileSystem().isDirectory(path) else {
            throw ShipKitError.badInput(
                "state repository \(path) does not exist; shipml promote creates it")
        }
        do {
            return ReleaseState(
                GitStateRepository(
                    try GitRepository(openingAt: path), branch: "refs/heads/\(branch)"))
        } catch {
            throw ShipKitError.environment("state repository \(path): \(error)")
        }
    }

    /// `--cache`, else `.shipml/cache` beside the project file (or in the working directory).
    static func cacheDirectory(_ cache: String?, project: LoadedProject?) -> String {
        if let cache { return absolutePath(cache) }
        return absolutePath(joinPath(project?.directory ?? ".", ".shipml/cache"))
    }

    /// One warning line when an https remote's certificate will not be checked, because
    /// `GIT_SSL_NO_VERIFY` or `http.sslVerify=false` says so.
    static func warnIfCertificatesAreNotChecked(
        _ workspace: StateWorkspace, _ location: StateLocation, log: ShipKitLog
    ) {
        guard let settings = try? workspace.certificateSettings(),
            let setting = settings.verificationDisabledBy
        else { return }
        log.warning(
            "\(setting): the TLS certificate of \(location) is not checked; anyone on the path can impersonate it"
        )
    }
}

/// The credentials for state remotes, from the environment: for http(s) a token from
/// `SHIPML_GIT_TOKEN` (user `SHIPML_GIT_USER`, by default `x-access-token`, which GitHub and
/// Gitea accept; GitLab takes `oauth2`); for SSH the agent (`SSH_AUTH_SOCK`), then
/// `SHIPML_GIT_SSH_KEY` or `~/.ssh/id_*`, with the host key checked against
/// `SHIPML_GIT_SSH_KNOWN_HOSTS` or `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts` unless
/// `SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING=no`; for https git's `GIT_SSL_CAINFO`,
/// `GIT_SSL_CAPATH`, `GIT_SSL_NO_VERIFY` and `SSL_CERT_FILE`, `SSL_CERT_DIR` (with
/// `http.sslCAInfo`, `http.sslCAPath` and `http.sslVerify` from the git configuration).
public enum StateCredentials {
    public static func fromEnvironment(_ environment: [String: String]) -> RemoteCredentials {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let keys =
            environment["SHIPML_GIT_SSH_KEY"].flatMap { $0.isEmpty ? nil : [$0] }
            ?? ["id_ed25519", "id_ecdsa", "id_rsa"].map { "\(home)/.ssh/\($0)" }.filter {
                FileManager.default.fileExists(atPath: $0)
            }
        let knownHosts =
            environment["SHIPML_GIT_SSH_KNOWN_HOSTS"].flatMap { $0.isEmpty ? nil : [$0] }
            ?? ["\(home)/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"]
        let ssh = SSHAccess(
            agent: !(environment["SSH_AUTH_SOCK"] ?? "").isEmpty, keys: keys,
            knownHosts: knownHosts,
            checkHostKey: environment["SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING"]?.lowercased()
                != "no")
        return RemoteCredentials(
            username: environment["SHIPML_GIT_USER"] ?? "x-access-token",
            password: environment["SHIPML_GIT_TOKEN"] ?? "", ssh: ssh,
            tls: TLSAccess(environment: environment))
    }
}
