import CGit2
import Foundation

extension GitRepository {
    /// Pushes references to a remote given by URL, without configuring a named remote.
    ///
    /// Local paths, `file://`, `http(s)://`, `ssh://` and `user@host:path` work; `credentials`
    /// are offered once to a server that asks for a user name and password, and an SSH
    /// server gets the agent's keys and then each key file, its host key checked first.
    /// A refspec without a leading `+` only fast-forwards: pushing over commits that the remote
    /// has and this repository lacks fails, as does any update the remote refuses.
    /// - Parameters:
    ///   - url: The remote, e.g. `/srv/git/releases.git` or `file:///srv/git/releases.git`.
    ///   - refspecs: What to push, e.g. `["refs/heads/main:refs/heads/main"]`.
    /// - Throws: ``GitError`` with code ``GitError/Code/nonFastForward`` when a push would
    ///   lose remote commits; ``GitError`` naming each rejected reference and the remote's
    ///   reason when the remote refuses an update; ``GitError`` when the remote cannot be
    ///   reached.
    public func push(
        to url: String, refspecs: [String], credentials: RemoteCredentials? = nil
    ) throws {
        let what =
            "cannot push \(refspecs.joined(separator: ", ")) to \(Self.withoutCredentials(url))"
        let remote = try anonymousRemote(url, what)
        let outcome = PushOutcome(
            credentials: credentials, url: url,
            certificates: try prepareCertificates(url, credentials))
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), what)
        // A C function pointer cannot capture context: the closure below captures nothing and
        // finds `outcome` through the payload, which is valid while `outcome` is alive, i.e.
        // until `withExtendedLifetime` returns, after git_remote_push has returned.
        options.callbacks.push_update_reference = { refname, status, payload in
            guard let status, let payload else { return 0 }
            let outcome = Unmanaged<PushOutcome>.fromOpaque(payload).takeUnretainedValue()
            let name = refname.map { String(cString: $0) } ?? "?"
            outcome.rejections.append("\(name) (\(String(cString: status)))")
            return 0
        }
        options.callbacks.credentials = provideCredentials
        options.callbacks.certificate_check = checkHostKey
        try withExtendedLifetime(outcome) {
            options.callbacks.payload = Unmanaged.passUnretained(outcome).toOpaque()
            try remote.withPointer { remote in
                try withStringArray(refspecs) { array in
                    try check(git_remote_push(remote, array, &options), what)
                }
            }
        }
        if !outcome.rejections.isEmpty {
            throw GitError(
                code: .generic, errorClass: 4,
                message: "the remote rejected \(outcome.rejections.joined(separator: ", "))",
                context: what)
        }
    }

    /// Fetches references from a remote given by URL, without configuring a named remote.
    ///
    /// Local paths, `file://` and `http(s)://` URLs work. The objects arrive in this repository and the
    /// destinations of `refspecs` are updated, e.g. `refs/heads/main:refs/remotes/origin/main`.
    /// - Parameters:
    ///   - url: The remote, e.g. `/srv/git/releases.git` or `file:///srv/git/releases.git`.
    ///   - refspecs: What to fetch and where to store it.
    /// - Throws: ``GitError`` when the remote cannot be reached or a refspec is malformed.
    public func fetch(
        from url: String, refspecs: [String], credentials: RemoteCredentials? = nil
    ) throws {
        let what =
            "cannot fetch \(refspecs.joined(separator: ", ")) from \(Self.withoutCredentials(url))"
        let remote = try anonymousRemote(url, what)
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), what)
        let outcome = PushOutcome(
            credentials: credentials, url: url,
            certificates: try prepareCertificates(url, credentials))
        options.callbacks.credentials = provideCredentials
        options.callbacks.certificate_check = checkHostKey
        try withExtendedLifetime(outcome) {
            options.callbacks.payload = Unmanaged.passUnretained(outcome).toOpaque()
            try remote.withPointer { remote in
                try withStringArray(refspecs) { array in
                    try check(
                        git_remote_fetch(
                            remote, array, &options, "fetch from \(Self.withoutCredentials(url))"),
                        what)
                }
            }
        }
    }

    /// For an http(s) remote, decides how its certificate is checked and gives libgit2 the CA
    /// certificates that needs (the first time only); nil for other remotes.
    private func prepareCertificates(
        _ url: String, _ credentials: RemoteCredentials?
    ) throws(GitError) -> CertificateSettings? {
        guard Self.isHTTP(url) else { return nil }
        let settings = try certificateSettings(credentials?.tls ?? TLSAccess())
        if settings.verifies {
            try CertificateStore.load(settings)
        }
        return settings
    }

    private func anonymousRemote(
        _ url: String, _ what: String
    ) throws(GitError) -> Handle<RemoteObject> {
        // libgit2 takes a local path that does not exist for an unknown URL scheme and says
        // "unsupported URL protocol"; say what is actually wrong.
        let isLocalPath = !url.contains("://") && (url.hasPrefix("/") || !url.contains(":"))
        if isLocalPath && !FileManager.default.fileExists(atPath: url) {
            throw GitError(
                code: .notFound, errorClass: 12, message: "no such directory", context: what)
        }
        return try handle.withPointer { repo throws(GitError) in
            try Handle.make(what) { git_remote_create_anonymous(&$0, repo, url) }
        }
    }
}

/// What a remote may be given: a user name and password (or token) for an http(s) remote,
/// handed to libgit2 only when the server asks, never part of a URL, so never part of a
/// message; how to check an https server's certificate; and how to reach an SSH remote.
public struct RemoteCredentials: Sendable {
    public var username: String
    public var password: String
    public var ssh: SSHAccess
    public var tls: TLSAccess

    public init(
        username: String = "", password: String = "", ssh: SSHAccess = SSHAccess(),
        tls: TLSAccess = TLSAccess()
    ) {
        self.username = username
        self.password = password
        self.ssh = ssh
        self.tls = tls
    }
}

/// How shipml authenticates to an SSH remote and checks that it is the host it claims.
public struct SSHAccess: Sendable {
    /// Whether to offer the agent's keys (`SSH_AUTH_SOCK`) first.
    public var agent: Bool
    /// Private key files offered after the agent, in order.
    public var keys: [String]
    /// `known_hosts` files; the server's key must be in one of them.
    public var knownHosts: [String]
    /// Whether to check the server's key at all (OpenSSH's `StrictHostKeyChecking`).
    public var checkHostKey: Bool

    public init(
        agent: Bool = false, keys: [String] = [], knownHosts: [String] = [],
        checkHostKey: Bool = true
    ) {
        self.agent = agent
        self.keys = keys
        self.knownHosts = knownHosts
        self.checkHostKey = checkHostKey
    }
}

extension GitRepository {
    /// Whether a location is an `http://` or `https://` URL.
    public static func isHTTP(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
    }

    /// Whether a location is scp-like SSH, `[user@]host:path`, as git reads it: a colon
    /// before any slash, and no `://`.
    public static func isSCPLike(_ location: String) -> Bool {
        guard !location.contains("://"), let colon = location.firstIndex(of: ":"),
            colon != location.startIndex
        else { return false }
        return !location[..<colon].contains("/")
    }

    /// The name an SSH remote's host has in `known_hosts`: `host`, or `[host]:port` for
    /// another port than 22; nil when `url` is not SSH.
    static func knownHostsName(_ url: String) -> String? {
        var rest: Substring
        var port: Substring?
        if url.hasPrefix("ssh://") || url.hasPrefix("git+ssh://"),
            let scheme = url.range(of: "://")
        {
            rest = url[scheme.upperBound...].prefix { $0 != "/" }
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                let host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                port = after.hasPrefix(":") ? after.dropFirst() : nil
                rest = host
            } else if let colon = rest.lastIndex(of: ":") {
                port = rest[rest.index(after: colon)...]
                rest = rest[..<colon]
            }
        } else if isSCPLike(url) {
            rest = url.prefix { $0 != ":" }
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        } else {
            return nil
        }
        guard let port, !port.isEmpty, port != "22" else { return String(rest) }
        return "[\(rest)]:\(port)"
    }
}

/// The state of one fetch or push that its callbacks share, found through the payload
/// pointer on the thread running `git_remote_fetch` or `git_remote_push`.
private final class PushOutcome {
    /// `refs/heads/main (reason)` for each update the remote refused.
    var rejections: [String] = []
    let credentials: RemoteCredentials?
    /// The remote's name in `known_hosts`, for SSH.
    let knownHostsName: String?
    /// Whether the credentials were already offered: libgit2 asks again after a refusal,
    /// and offering the same ones forever would loop.
    var offered = false
    /// How many SSH identities (the agent, then each key) were offered.
    var sshOffers = 0
    /// How an https server's certificate is checked; nil for other remotes.
    let certificates: CertificateSettings?
    init(credentials: RemoteCredentials?, url: String, certificates: CertificateSettings?) {
        self.credentials = credentials
        knownHostsName = GitRepository.knownHostsName(url)
        self.certificates = certificates
    }
}

/// libgit2's credential callback: for an SSH server, the agent and then each key file, one
/// per call (libgit2 asks again after a refusal); for an http(s) server that asks for a user
/// name and password, the payload's user name and token, once; otherwise no credentials
/// (libgit2 then fails with an authentication error).
private let provideCredentials: git_credential_acquire_cb = {
    out, _, usernameFromURL, allowed, payload in
    guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
    let outcome = Unmanaged<PushOutcome>.fromOpaque(payload).takeUnretainedValue()
    let user = usernameFromURL.map { String(cString: $0) } ?? "git"
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
        return git_credential_username_new(out, user)
    }
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        let ssh = outcome.credentials?.ssh ?? SSHAccess()
        let identities: [String?] = (ssh.agent ? [nil] : []) + ssh.keys.map { $0 }
        guard outcome.sshOffers < identities.count else {
            // Say what was tried, without a path: libgit2's own words would be "authentication
            // required but no callback set".
            let offered =
                (ssh.agent ? ["the agent's keys"] : [])
                + (ssh.keys.isEmpty ? [] : ["\(ssh.keys.count) key file(s)"])
            git_error_set_str(
                Int32(GIT_ERROR_SSH.rawValue),
                offered.isEmpty
                    ? "no SSH key to offer: no agent (SSH_AUTH_SOCK) and no key file (SHIPML_GIT_SSH_KEY, or id_ed25519, id_ecdsa, id_rsa in ~/.ssh)"
                    : "the SSH server accepted none of the keys offered (\(offered.joined(separator: ", "))); add the key to the agent with ssh-add, or name its file with SHIPML_GIT_SSH_KEY"
            )
            return GIT_EAUTH.rawValue
        }
        let identity = identities[outcome.sshOffers]
        outcome.sshOffers += 1
        guard let key = identity else { return git_credential_ssh_key_from_agent(out, user) }
        let publicKey = FileManager.default.fileExists(atPath: key + ".pub") ? key + ".pub" : nil
        return git_credential_ssh_key_new(out, user, publicKey, key, nil)
    }
    guard let credentials = outcome.credentials, !credentials.password.isEmpty,
        !outcome.offered, allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0
    else { return GIT_PASSTHROUGH.rawValue }
    outcome.offered = true
    return git_credential_userpass_plaintext_new(
        out, credentials.username, credentials.password)
}

/// libgit2's certificate callback: an SSH server's key must be in `known_hosts` under the
/// remote's name (unless the check is turned off); a TLS certificate must be one libgit2
/// found valid against the CA certificates, unless checking is turned off.
private let checkHostKey: git_transport_certificate_check_cb = { cert, valid, host, payload in
    guard let cert, let payload else { return -1 }
    let outcome = Unmanaged<PushOutcome>.fromOpaque(payload).takeUnretainedValue()
    if cert.pointee.cert_type == GIT_CERT_X509 {
        guard valid == 0, outcome.certificates?.verifies != false else { return 0 }
        let name = host.map { String(cString: $0) } ?? "the server"
        let hint = outcome.certificates?.untrustedHint ?? "no CA certificates were loaded"
        git_error_set_str(
            Int32(GIT_ERROR_SSL.rawValue),
            "certificate not trusted for \(name): \(hint)")
        return GIT_ECERTIFICATE.rawValue
    }
    guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
        return GIT_PASSTHROUGH.rawValue
    }
    let ssh = outcome.credentials?.ssh ?? SSHAccess()
    guard ssh.checkHostKey else { return 0 }
    let name = outcome.knownHostsName ?? "?"
    let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
    guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey
    else {
        git_error_set_str(
            Int32(GIT_ERROR_SSH.rawValue),
            "cannot check the host key of \(name): libgit2 gave no key")
        return -1
    }
    let key = Data(bytes: raw, count: hostkey.hostkey_len).base64EncodedString()
    switch KnownHosts.check(name: name, key: key, files: ssh.knownHosts) {
    case .match:
        return 0
    case .mismatch:
        git_error_set_str(
            Int32(GIT_ERROR_SSH.rawValue),
            "the host key of \(name) does not match known_hosts: someone may be impersonating the host, or its key changed; check it and update known_hosts"
        )
    case .unknown:
        git_error_set_str(
            Int32(GIT_ERROR_SSH.rawValue),
            "the host key of \(name) is not in known_hosts (\(ssh.knownHosts.joined(separator: ", "))); add it (ssh-keyscan, checked against the host's fingerprint) or set SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING=no"
        )
    }
    return -1
}

/// `known_hosts` lookups through `ssh-keygen -F`, which also reads hashed host names.
enum KnownHosts {
    enum Verdict { case match, mismatch, unknown }

    static func check(name: String, key: String, files: [String]) -> Verdict {
        var seen = false
        for file in files where FileManager.default.fileExists(atPath: file) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ssh-keygen", "-F", name, "-f", file]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            let text = String(
                decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                var fields = line.split(separator: " ")
                if fields.first == "@revoked" { return .mismatch }
                if fields.first?.hasPrefix("@") == true { fields.removeFirst() }
                guard fields.count >= 3 else { continue }
                seen = true
                if fields[2] == key { return .match }
            }
        }
        return seen ? .mismatch : .unknown
    }
}
