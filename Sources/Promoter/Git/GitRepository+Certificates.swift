import CGit2
import Foundation

/// What the environment says about the certificates of https remotes, in git's variables
/// (`GIT_SSL_CAINFO`, `GIT_SSL_CAPATH`, `GIT_SSL_NO_VERIFY`) and OpenSSL's (`SSL_CERT_FILE`,
/// `SSL_CERT_DIR`). The git configuration is read where the repository is,
/// ``GitRepository/certificateSettings(_:)``.
public struct TLSAccess: Sendable, Equatable {
    /// The variables that count.
    public static let variables = [
        "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_SSL_NO_VERIFY", "SSL_CERT_FILE", "SSL_CERT_DIR",
    ]

    /// Those of ``variables`` that are set and not empty.
    public let environment: [String: String]

    /// Keeps the variables that count from `environment`; an empty one counts as unset.
    public init(environment: [String: String] = [:]) {
        self.environment = environment.filter {
            Self.variables.contains($0.key) && !$0.value.isEmpty
        }
    }
}

/// Where the CA certificates that https servers are checked against come from, and whether
/// they are checked at all, each with the setting that decided it (for messages).
public struct CertificateSettings: Sendable, Equatable {
    /// A CA file or directory and what named it: `GIT_SSL_CAINFO`, `http.sslCAInfo`, …, or
    /// `system bundle`.
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var setting: String

        public init(path: String, setting: String) {
            self.path = path
            self.setting = setting
        }

        public var description: String { "\(path) (\(setting))" }
    }

    /// The CA file (PEM, any number of certificates).
    public var file: Location?
    /// A directory of CA files, read in addition to ``file``.
    public var directory: Location?
    /// What turned checking off (`GIT_SSL_NO_VERIFY`, `http.sslVerify=false`); nil when
    /// certificates are checked.
    public var verificationDisabledBy: String?

    /// Whether servers' certificates are checked.
    public var verifies: Bool { verificationDisabledBy == nil }

    /// The system CA bundles, as Debian and Ubuntu, Fedora and RHEL, openSUSE and Alpine
    /// place them; the first that exists is used when no setting names a file.
    public static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// What the locations say where a certificate was refused: which settings add a CA.
    var untrustedHint: String {
        let from = [file, directory].compactMap { $0?.description }.joined(separator: " and ")
        return
            "its certificate was not issued by a CA in \(from), or it has expired, or it names another host; add the CA's certificate with GIT_SSL_CAINFO=<file> or git config http.sslCAInfo <file> (GIT_SSL_NO_VERIFY=1 turns checking off)"
    }
}

extension GitRepository {
    /// Decides how https remotes' certificates are checked, in git's order: `GIT_SSL_CAINFO`,
    /// then `http.sslCAInfo` in this repository's configuration (its own file over the
    /// user's and the system's), then `SSL_CERT_FILE`, else the system bundle; the directory
    /// likewise from `GIT_SSL_CAPATH`, `http.sslCAPath`, `SSL_CERT_DIR`. `GIT_SSL_NO_VERIFY`
    /// (any value but `0`, `false`, `no`, `off`) or `http.sslVerify=false` turn checking off.
    /// - Throws: ``GitError`` naming the setting when the file or directory it names does not
    ///   exist, or when no setting names one and the system has no CA bundle.
    public func certificateSettings(_ access: TLSAccess) throws(GitError) -> CertificateSettings {
        let environment = access.environment
        var settings = CertificateSettings()
        if let value = environment["GIT_SSL_NO_VERIFY"],
            !["0", "false", "no", "off"].contains(value.lowercased())
        {
            settings.verificationDisabledBy = "GIT_SSL_NO_VERIFY"
        } else if configBool("http.sslVerify") == false {
            settings.verificationDisabledBy = "http.sslVerify=false"
        }
        guard settings.verifies else { return settings }
        func location(_ variable: String, _ key: String, _ fallback: String)
            -> CertificateSettings.Location?
        {
            if let path = environment[variable] { return .init(path: path, setting: variable) }
            if let path = configPath(key), !path.isEmpty { return .init(path: path, setting: key) }
            return environment[fallback].map { .init(path: $0, setting: fallback) }
        }
        let what = "cannot load the CA certificates for https remotes"
        settings.file = location("GIT_SSL_CAINFO", "http.sslCAInfo", "SSL_CERT_FILE")
        settings.directory = location("GIT_SSL_CAPATH", "http.sslCAPath", "SSL_CERT_DIR")
        for (named, directory) in [(settings.file, false), (settings.directory, true)] {
            guard let named else { continue }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(
                atPath: named.path, isDirectory: &isDirectory)
            if !exists || isDirectory.boolValue != directory {
                throw GitError(
                    code: .notFound, errorClass: Int32(GIT_ERROR_SSL.rawValue),
                    message:
                        "\(named.setting) names \(named.path), which is not \(directory ? "a directory" : "a file")",
                    context: what)
            }
        }
        if settings.file == nil {
            guard
                let bundle = CertificateSettings.systemBundles.first(where: {
                    FileManager.default.fileExists(atPath: $0)
                })
            else {
                guard settings.directory == nil else { return settings }
                throw GitError(
                    code: .notFound, errorClass: Int32(GIT_ERROR_SSL.rawValue),
                    message:
                        "no system CA bundle (\(CertificateSettings.systemBundles.joined(separator: ", "))); name one with GIT_SSL_CAINFO or http.sslCAInfo",
                    context: what)
            }
            settings.file = .init(path: bundle, setting: "system bundle")
        }
        return settings
    }

    /// Whether libgit2 skipped its CA bundle at start-up, so that only an https fetch or push
    /// parses one (Linux, libgit2 on mbedTLS; see Sources/CGit2/shim.c).
    public static var loadsCertificatesLazily: Bool {
        (try? LibGit2.ensureInitialized()) != nil && shipml_git_certificates_deferred() != 0
    }
}

/// The CA certificates libgit2 holds for every https connection of the process: none until
/// the first https fetch or push asks, then those its settings name.
enum CertificateStore {
    private static let lock = NSLock()
    /// What libgit2 was last given (file, directory); guarded by `lock`.
    nonisolated(unsafe) private static var loaded: [String?]?

    /// Gives libgit2 the CA file and directory of `settings`, unless it already has them.
    /// - Throws: ``GitError`` when libgit2 cannot read them (not PEM, unreadable).
    static func load(_ settings: CertificateSettings) throws(GitError) {
        let wanted = [settings.file?.path, settings.directory?.path]
        lock.lock()
        defer { lock.unlock() }
        guard loaded != wanted else { return }
        let from = [settings.file, settings.directory].compactMap { $0?.description }
        try check(
            shipml_git_set_certificate_locations(wanted[0], wanted[1]),
            "cannot load the CA certificates from \(from.joined(separator: " and "))")
        loaded = wanted
    }
}
