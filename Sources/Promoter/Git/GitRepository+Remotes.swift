import CGit2
import Foundation

extension GitRepository {
    /// Pushes references to a remote given by URL, without configuring a named remote.
    ///
    /// Local paths, `file://` and `http(s)://` URLs work; `credentials` are offered once to a
    /// server that asks for a user name and password.
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
        let outcome = PushOutcome(credentials: credentials)
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
        let outcome = PushOutcome(credentials: credentials)
        options.callbacks.credentials = provideCredentials
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

/// A user name and password (or token) for an http(s) remote, given to libgit2 only when
/// the server asks. Never part of a URL, so never part of a message.
public struct RemoteCredentials: Sendable {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// The state of one fetch or push that its callbacks share, found through the payload
/// pointer on the thread running `git_remote_fetch` or `git_remote_push`.
private final class PushOutcome {
    /// `refs/heads/main (reason)` for each update the remote refused.
    var rejections: [String] = []
    let credentials: RemoteCredentials?
    /// Whether the credentials were already offered: libgit2 asks again after a refusal,
    /// and offering the same ones forever would loop.
    var offered = false
    init(credentials: RemoteCredentials?) { self.credentials = credentials }
}

/// libgit2's credential callback: the payload's user name and token, once, for a server that
/// asks for a user name and password; otherwise no credentials (libgit2 then fails with an
/// authentication error).
private let provideCredentials: git_credential_acquire_cb = { out, _, _, allowed, payload in
    guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
    let outcome = Unmanaged<PushOutcome>.fromOpaque(payload).takeUnretainedValue()
    guard let credentials = outcome.credentials, !outcome.offered,
        allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0
    else { return GIT_PASSTHROUGH.rawValue }
    outcome.offered = true
    return git_credential_userpass_plaintext_new(
        out, credentials.username, credentials.password)
}
