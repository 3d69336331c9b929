import CGit2

/// A git repository on disk, read and written through libgit2.
///
/// Not `Sendable`: libgit2 allows one repository object per thread at a time. Open another
/// `GitRepository` for the same path to work from another thread.
public final class GitRepository {
    let handle: Handle<RepositoryObject>

    init(handle: Handle<RepositoryObject>) {
        self.handle = handle
    }

    /// Creates a new repository, and any missing parent directories.
    /// - Parameters:
    ///   - path: Where: the working directory, or the repository itself when `bare`.
    ///   - bare: Whether to create a bare repository (no working directory), as remotes are.
    ///   - initialBranch: The branch HEAD names until the first commit, e.g. `main`.
    /// - Returns: The new repository, open.
    /// - Throws: ``GitError`` when a repository already exists at `path` (code
    ///   ``GitError/Code/exists``) or the directory cannot be created.
    public static func create(
        at path: String, bare: Bool = false, initialBranch: String = "main"
    ) throws -> GitRepository {
        try LibGit2.ensureInitialized()
        var options = git_repository_init_options()
        try check(
            git_repository_init_options_init(
                &options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "cannot prepare to create repository at \(path)")
        options.flags =
            GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
            | (bare ? GIT_REPOSITORY_INIT_BARE.rawValue : 0)
        let handle = try initialBranch.withCString { branch in
            options.initial_head = branch
            return try Handle<RepositoryObject>.make("cannot create repository at \(path)") {
                git_repository_init_ext(&$0, path, &options)
            }
        }
        return GitRepository(handle: handle)
    }

    /// Opens the repository at `path`, without searching parent directories.
    /// - Parameter path: A working directory, its `.git` directory, or a bare repository.
    /// - Throws: ``GitError`` naming `path` when there is no repository there.
    public init(openingAt path: String) throws {
        try LibGit2.ensureInitialized()
        handle = try Handle.make("cannot open repository at \(path)") {
            git_repository_open_ext(&$0, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        }
    }

    /// The working directory, or for a bare repository the repository directory; no trailing
    /// slash.
    public var path: String {
        handle.withPointer { repo in
            guard let raw = git_repository_workdir(repo) ?? git_repository_path(repo) else {
                return ""
            }
            let text = String(cString: raw)
            return text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        }
    }

    /// Whether the repository has no working directory.
    public var isBare: Bool {
        handle.withPointer { git_repository_is_bare($0) == 1 }
    }
}
