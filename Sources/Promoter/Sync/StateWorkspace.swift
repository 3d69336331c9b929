public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the state repository is, and the local repository shipml works in.
///
/// A local repository with a working directory is written in place, with a compare-and-swap
/// on the branch. Anything else (a bare repository, `file://`, `http(s)://`) is a remote:
/// shipml keeps a bare cache clone under `.shipml/cache`, fetches into
/// `refs/remotes/origin/<branch>`, commits there without moving any shared reference, and
/// pushes. The cache holds nothing the remote lacks for longer than one run: every run starts
/// by fetching over it, so a commit a crash left unpushed is discarded (and made again from
/// its inputs), and deleting the cache loses nothing.
public final class StateWorkspace {
    public enum Mode: Sendable, Equatable {
        /// Written in place.
        case direct(path: String)
        /// Fetched into and pushed from a cache.
        case remote(url: String, cache: String)
    }

    public let mode: Mode
    /// The branch, short (`main`).
    public let branch: String
    public let repository: GitRepository
    let credentials: RemoteCredentials?
    /// Signs every commit this workspace publishes, when set; a signing failure then stops
    /// the commit rather than making it unsigned.
    public var signer: CommitSigner?
    /// The cache's lock file, held (flock) while this workspace is open: shipml processes
    /// sharing a cache take turns; processes with their own caches race at the remote.
    private let lock: Int32

    /// The reference the state is read from.
    public var readReference: String {
        switch mode {
        case .direct: "refs/heads/\(branch)"
        case .remote: "refs/remotes/origin/\(branch)"
        }
    }

    /// The state as the planner reads it.
    public var state: GitStateRepository { GitStateRepository(repository, branch: readReference) }

    /// Opens (and if need be creates) the workspace.
    /// - Parameters:
    ///   - location: A local path (absolute), `file://…`, `http(s)://…`, `ssh://…` or
    ///     `user@host:path`.
    ///   - branch: The branch holding the state.
    ///   - cacheRoot: The directory under which caches of remotes are kept.
    ///   - credentials: For http(s) remotes that ask, and how to reach SSH remotes.
    ///   - create: Whether a missing local path becomes a new bare repository.
    /// - Throws: ``GitError``; ``StateError`` for a location shipml cannot use.
    public init(
        location: String, branch: String, cacheRoot: String,
        credentials: RemoteCredentials? = nil, create: Bool = true
    ) throws {
        self.branch = branch
        self.credentials = credentials
        let isURL = location.contains("://") || GitRepository.isSCPLike(location)
        if !isURL && !location.hasPrefix("/") {
            throw StateError(
                "state.repository",
                "\(location): expected an absolute path, file://, http(s)://, ssh:// or user@host:path"
            )
        }
        if !isURL {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) {
                guard create else {
                    throw StateError("state.repository", "\(location) does not exist")
                }
                _ = try GitRepository.create(at: location, bare: true, initialBranch: branch)
            }
            let opened = try GitRepository(openingAt: location)
            if !opened.isBare {
                mode = .direct(path: location)
                repository = opened
                lock = -1
                return
            }
        }
        let cache = cacheRoot + "/" + Self.cacheName(location)
        mode = .remote(url: location, cache: cache)
        try FileManager.default.createDirectory(
            atPath: cacheRoot, withIntermediateDirectories: true)
        let descriptor = open(cache + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw StateError(cache + ".lock", "cannot lock the cache (errno \(errno))")
        }
        lock = descriptor
        repository = try Self.openCache(cache, branch: branch)
    }

    deinit {
        if lock >= 0 { close(lock) }
    }

    /// A directory name for a remote's cache: readable, and unique per location.
    static func cacheName(_ location: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in location.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let tail =
            GitRepository.withoutCredentials(location).split(separator: "/").last.map(String.init)
            ?? "state"
        let safe = String(tail.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
        return "\(safe)-\(String(hash, radix: 16))"
    }

    /// Opens the cache, or makes it again when it is missing or unreadable: it is only a cache.
    static func openCache(_ path: String, branch: String) throws -> GitRepository {
        if FileManager.default.fileExists(atPath: path) {
            if let repository = try? GitRepository(openingAt: path) { return repository }
            try? FileManager.default.removeItem(atPath: path)
        }
        do {
            return try GitRepository.create(at: path, bare: true, initialBranch: branch)
        } catch let error as GitError where error.code == .exists {
            // Another shipml created it at the same moment.
            return try GitRepository(openingAt: path)
        }
    }

    /// How an http(s) remote's TLS certificate is checked; nil for other locations.
    /// - Throws: ``GitError`` naming the setting when a CA file or directory it names does
    ///   not exist.
    public func certificateSettings() throws -> CertificateSettings? {
        guard case .remote(let url, _) = mode, GitRepository.isHTTP(url) else { return nil }
        return try repository.certificateSettings(credentials?.tls ?? TLSAccess())
    }

    /// Brings the state up to date with the remote (nothing to do for a direct repository).
    /// - Returns: The branch's tip, nil when the branch has no commit yet.
    /// - Throws: ``GitError`` when the remote cannot be reached.
    @discardableResult
    public func refresh() throws -> String? {
        if case .remote(let url, _) = mode {
            try repository.fetch(
                from: url, refspecs: ["+refs/heads/\(branch):\(readReference)"],
                credentials: credentials)
        }
        return try state.tip()
    }

    /// Fetches another branch of the remote (a review branch); its tip, or nil.
    public func fetchBranch(_ name: String) throws -> String? {
        guard case .remote(let url, _) = mode else {
            return try repository.referenceTarget("refs/heads/\(name)")?.description
        }
        let local = "refs/remotes/origin/\(name)"
        try repository.fetch(
            from: url, refspecs: ["+refs/heads/\(name):\(local)"], credentials: credentials)
        return try repository.referenceTarget(local)?.description
    }

    /// Records a commit of `files` over `parent` and publishes it on `target` (the state
    /// branch, or a review branch): in place with a compare-and-swap, or by a push that only
    /// fast-forwards.
    /// - Returns: The commit's id.
    /// - Throws: ``StateConflict`` when someone else moved the branch first (re-plan and
    ///   retry); ``GitError`` for other failures.
    public func publish(
        writing files: [String: Data], removing: Set<String>, parent: String?, message: String,
        author: Signature, to target: String? = nil
    ) throws -> String {
        let targetBranch = target ?? branch
        let parentID = try parent.map { try ObjectID($0) }
        let tree = try repository.writeTree(files, base: parentID, removing: removing)
        let commit = try repository.commit(
            tree: tree, parents: parentID.map { [$0] } ?? [], message: message, author: author,
            sign: signer.map { signer in { try signer.sign($0) } })
        switch mode {
        case .direct:
            let expected =
                targetBranch == branch
                ? parentID : try repository.referenceTarget("refs/heads/\(targetBranch)")
            try Self.moveBranch(
                "refs/heads/\(targetBranch)", in: repository, to: commit, expecting: expected,
                parent: parent, message: message)
        case .remote(let url, _):
            // libgit2 pushes references, not ids: a reference of this run's own.
            let pending = "refs/shipml/pending/\(UUID().uuidString.lowercased())"
            try repository.updateReference(pending, to: commit, expecting: nil)
            defer { try? repository.deleteReference(pending) }
            if let path = Self.localPath(url) {
                // libgit2's local transport checks fast-forward against the refs it listed
                // when it connected, then overwrites the ref: two pushes racing there can
                // lose one. So push to a ref of this run's own, and move the branch in the
                // remote repository with a compare-and-swap, as a server's receive-pack does.
                try repository.push(
                    to: url, refspecs: ["\(pending):\(pending)"], credentials: credentials)
                let remote = try GitRepository(openingAt: path)
                defer { try? remote.deleteReference(pending) }
                let expected =
                    targetBranch == branch
                    ? parentID : try remote.referenceTarget("refs/heads/\(targetBranch)")
                try Self.moveBranch(
                    "refs/heads/\(targetBranch)", in: remote, to: commit, expecting: expected,
                    parent: parent, message: message)
            } else {
                do {
                    try repository.push(
                        to: url, refspecs: ["\(pending):refs/heads/\(targetBranch)"],
                        credentials: credentials)
                } catch let error as GitError where Self.isRejection(error) {
                    throw StateConflict(expected: parent)
                }
            }
            if targetBranch == branch {
                // As git does after a push: the remote-tracking branch follows.
                try? repository.updateReference(readReference, to: commit, expecting: parentID)
            }
        }
        return commit.description
    }

    /// Moves a branch with a compare-and-swap.
    /// - Throws: ``StateConflict`` when it no longer points at `expected`.
    static func moveBranch(
        _ name: String, in repository: GitRepository, to commit: ObjectID, expecting: ObjectID?,
        parent: String?, message: String
    ) throws {
        do {
            try repository.updateReference(
                name, to: commit, expecting: expecting,
                message: "shipml: \(message.prefix { $0 != "\n" })")
        } catch let error as GitError
            where [.modified, .exists, .notFound, .locked].contains(error.code)
        {
            throw StateConflict(expected: parent)
        }
    }

    /// The directory of a local remote (a path or `file://`), nil for a network URL.
    static func localPath(_ url: String) -> String? {
        if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
        return url.contains("://") || GitRepository.isSCPLike(url) ? nil : url
    }

    /// Whether a push failed because the remote moved on: libgit2's non-fast-forward, or one
    /// of the ways servers word a refused update.
    static func isRejection(_ error: GitError) -> Bool {
        if error.code == .nonFastForward || error.code == .modified { return true }
        let text = error.message.lowercased()
        return [
            "non-fast-forward", "fetch first", "incorrect old value", "stale info",
            "failed to update ref", "cannot lock ref", "rejected", "failed to lock",
        ].contains { text.contains($0) }
    }
}
