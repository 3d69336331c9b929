import CGit2
public import Foundation

extension GitRepository {
    /// Resolves a reference or revision to the object it names.
    /// - Parameter refOrRevspec: `HEAD`, `refs/heads/main`, `main`, `main~1`, a full id, …
    /// - Returns: The id of the object it names (for a branch, the commit at its tip).
    /// - Throws: ``GitError`` with code ``GitError/Code/notFound`` when nothing matches,
    ///   including a branch with no commits yet.
    public func resolve(_ refOrRevspec: String) throws -> ObjectID {
        let object = try handle.withPointer { repo in
            try Handle<GenericObject>.make("cannot resolve \(refOrRevspec)") {
                git_revparse_single(&$0, repo, refOrRevspec)
            }
        }
        return try object.withPointer { object throws(GitError) in
            guard let id = git_object_id(object) else {
                throw GitError.invalid("cannot resolve \(refOrRevspec)", "it names no object")
            }
            return ObjectID(id)
        }
    }

    /// The commit a reference points to, following symbolic references such as `HEAD`.
    /// - Parameter name: A full reference name, e.g. `refs/heads/main` or `HEAD`.
    /// - Returns: The target, or `nil` when the reference (or the branch HEAD names) does not
    ///   exist yet.
    /// - Throws: ``GitError`` when the name is malformed or the reference cannot be read.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        try handle.withPointer { repo in
            var oid = git_oid()
            let code = git_reference_name_to_id(&oid, repo, name)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(code, "cannot read reference \(name)")
            return ObjectID(oid)
        }
    }

    /// Reads a commit.
    /// - Throws: ``GitError`` when there is no commit with that id.
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        let commit = try lookUpCommit(id)
        return try commit.withPointer { commit throws(GitError) in
            guard let treeID = git_commit_tree_id(commit), let author = git_commit_author(commit),
                let committer = git_commit_committer(commit)
            else {
                throw GitError.invalid("cannot read commit \(id)", "the commit is malformed")
            }
            let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
                git_commit_parent_id(commit, index).map { ObjectID($0) }
            }
            return CommitInfo(
                id: id, tree: ObjectID(treeID), parents: parents,
                message: git_commit_message(commit).map { String(cString: $0) } ?? "",
                summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
                author: Signature(author), committer: Signature(committer))
        }
    }

    /// Reads one file from the tree of a commit.
    /// - Parameters:
    ///   - path: Slash-separated, relative to the root, e.g. `releases/prod.json`.
    ///   - commit: A commit or tree id.
    /// - Returns: The file's bytes, or `nil` when nothing is at `path`.
    /// - Throws: ``GitError`` when `commit` is not found, or `path` is a directory or
    ///   submodule.
    public func readFile(_ path: String, at commit: ObjectID) throws -> Data? {
        let tree = try lookUpTree(commit)
        guard let entry = try entry(at: path, in: tree, at: commit) else { return nil }
        let blob = try entry.withPointer { entry throws(GitError) in
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                throw GitError(
                    code: .invalid, errorClass: 3, message: "it is not a file",
                    context: "cannot read \(path) at \(commit.short)")
            }
            return try handle.withPointer { repo throws(GitError) in
                try Handle<BlobObject>.make("cannot read \(path) at \(commit.short)") {
                    git_blob_lookup(&$0, repo, git_tree_entry_id(entry))
                }
            }
        }
        return blob.withPointer { blob in
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
            return Data(bytes: bytes, count: size)
        }
    }

    /// Lists one directory of the tree of a commit, in git's order.
    /// - Parameters:
    ///   - commit: A commit or tree id.
    ///   - path: The directory, slash-separated; empty for the root.
    /// - Throws: ``GitError`` with code ``GitError/Code/notFound`` when `path` does not exist,
    ///   or ``GitError/Code/invalid`` when it is not a directory.
    public func listTree(at commit: ObjectID, path: String = "") throws -> [TreeEntry] {
        var tree = try lookUpTree(commit)
        let directory = path.split(separator: "/").joined(separator: "/")
        if !directory.isEmpty {
            guard let entry = try entry(at: directory, in: tree, at: commit) else {
                throw GitError(
                    code: .notFound, errorClass: 14, message: "no such directory",
                    context: "cannot list \(directory) at \(commit.short)")
            }
            tree = try entry.withPointer { entry throws(GitError) in
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                    throw GitError.invalid(
                        "cannot list \(directory) at \(commit.short)", "it is not a directory")
                }
                return try handle.withPointer { repo throws(GitError) in
                    try Handle<TreeObject>.make("cannot list \(directory) at \(commit.short)") {
                        git_tree_lookup(&$0, repo, git_tree_entry_id(entry))
                    }
                }
            }
        }
        return tree.withPointer { tree in
            (0..<git_tree_entrycount(tree)).compactMap { index in
                guard let entry = git_tree_entry_byindex(tree, index),
                    let name = git_tree_entry_name(entry), let id = git_tree_entry_id(entry)
                else { return nil }
                return TreeEntry(
                    name: String(cString: name), kind: Self.kind(git_tree_entry_filemode(entry)),
                    id: ObjectID(id))
            }
        }
    }

    /// The history reachable from a commit, newest first (by topology, then commit time).
    /// - Parameters:
    ///   - from: The commit to start at; it is the first entry.
    ///   - limit: At most this many commits; all when `nil`.
    /// - Throws: ``GitError`` when `from` is not a commit or history cannot be read.
    public func log(from start: ObjectID, limit: Int? = nil) throws -> [CommitInfo] {
        var commits: [CommitInfo] = []
        try walk(from: start, topological: true) { commit in
            if let limit, commits.count >= limit { return false }
            commits.append(commit)
            return limit.map { commits.count < $0 } ?? true
        }
        return commits
    }

    /// Walks the history reachable from a commit, newest first, reading each commit only
    /// when `body` asks for the next one: a search that stops early reads only what it saw.
    /// - Parameters:
    ///   - start: The commit to start at.
    ///   - topological: Whether parents always come after all their children, ties by time;
    ///     that makes libgit2 read the whole history before the first commit, so searches
    ///     leave it off and get libgit2's unsorted order (children before parents on the
    ///     linear history shipml writes).
    ///   - body: Called with each commit; returns whether to go on.
    /// - Throws: ``GitError`` when `start` is not a commit or history cannot be read; what
    ///   `body` throws.
    public func walk(
        from start: ObjectID, topological: Bool = false, _ body: (CommitInfo) throws -> Bool
    ) throws {
        let walk = try handle.withPointer { repo in
            try Handle<RevwalkObject>.make("cannot walk history from \(start.short)") {
                git_revwalk_new(&$0, repo)
            }
        }
        try walk.withPointer { walk throws(GitError) in
            let sorting =
                topological
                ? GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue : GIT_SORT_NONE.rawValue
            try check(
                git_revwalk_sorting(walk, sorting),
                "cannot walk history from \(start.short)")
            var oid = start.gitOID
            try check(git_revwalk_push(walk, &oid), "cannot walk history from \(start.short)")
        }
        while true {
            var oid = git_oid()
            let code = walk.withPointer { git_revwalk_next(&oid, $0) }
            if code == GIT_ITEROVER.rawValue {
                git_error_clear()
                return
            }
            try check(code, "cannot walk history from \(start.short)")
            guard try body(try commit(ObjectID(oid))) else { return }
        }
    }

    // MARK: - Helpers shared with writing

    func lookUpCommit(_ id: ObjectID) throws(GitError) -> Handle<CommitObject> {
        try handle.withPointer { repo throws(GitError) in
            var oid = id.gitOID
            return try Handle.make("cannot find commit \(id)") {
                git_commit_lookup(&$0, repo, &oid)
            }
        }
    }

    /// The tree of a commit, or the tree itself when `id` names one.
    func lookUpTree(_ id: ObjectID) throws(GitError) -> Handle<TreeObject> {
        let object = try handle.withPointer { repo throws(GitError) in
            var oid = id.gitOID
            return try Handle<GenericObject>.make("cannot find object \(id)") {
                git_object_lookup(&$0, repo, &oid, GIT_OBJECT_ANY)
            }
        }
        let peeled = try object.withPointer { object throws(GitError) in
            try Handle<GenericObject>.make("cannot find a tree in \(id)") {
                git_object_peel(&$0, object, GIT_OBJECT_TREE)
            }
        }
        // A peeled object of type GIT_OBJECT_TREE is a git_tree; look it up as one so the
        // handle frees it with git_tree_free.
        return try handle.withPointer { repo throws(GitError) in
            try peeled.withPointer { peeled throws(GitError) in
                try Handle.make("cannot find a tree in \(id)") {
                    git_tree_lookup(&$0, repo, git_object_id(peeled))
                }
            }
        }
    }

    /// The entry at a slash-separated path under `tree`, or `nil` when there is none.
    private func entry(
        at path: String, in tree: Handle<TreeObject>, at commit: ObjectID
    ) throws(GitError) -> Handle<TreeEntryObject>? {
        try tree.withPointer { tree throws(GitError) in
            var raw: OpaquePointer?
            let code = git_tree_entry_bypath(&raw, tree, path)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(code, "cannot read \(path) at \(commit.short)")
            return raw.map { Handle(owning: $0) }
        }
    }

    private static func kind(_ mode: git_filemode_t) -> TreeEntry.Kind {
        switch mode.rawValue {
        case GIT_FILEMODE_TREE.rawValue: .directory
        case GIT_FILEMODE_LINK.rawValue: .symbolicLink
        case GIT_FILEMODE_COMMIT.rawValue: .submodule
        default: .file
        }
    }
}
