import CGit2
public import Foundation

extension GitRepository {
    /// Stores bytes as a blob.
    /// - Returns: The blob's id; writing the same bytes again returns the same id.
    /// - Throws: ``GitError`` when the object database cannot be written.
    public func writeBlob(_ data: Data) throws -> ObjectID {
        try handle.withPointer { repo throws(GitError) in
            var oid = git_oid()
            // libgit2 wants a valid pointer even for zero bytes; empty Data may have none.
            let code =
                data.isEmpty
                ? withUnsafeBytes(of: UInt8(0)) {
                    git_blob_create_from_buffer(&oid, repo, $0.baseAddress, 0)
                }
                : data.withUnsafeBytes {
                    git_blob_create_from_buffer(&oid, repo, $0.baseAddress, $0.count)
                }
            try check(code, "cannot write a blob of \(data.count) bytes")
            return ObjectID(oid)
        }
    }

    /// Stores a tree of files, with directories nested by the slashes in their paths.
    ///
    /// Without `base`, the tree holds exactly `files`. With `base`, it starts from that tree:
    /// the paths in `removing` are taken out of it first (a directory with all it holds; an
    /// absent path is ignored), then `files` are written over it. Directories left empty are
    /// dropped, as git does not keep them. Every file gets mode 100644.
    /// - Parameters:
    ///   - files: File contents by path, e.g. `["releases/prod.json": data]`.
    ///   - base: A tree or commit to start from.
    ///   - removing: Paths to take out of `base`.
    /// - Returns: The id of the root tree.
    /// - Throws: ``GitError`` when a path is empty, absolute, has empty, `.` or `..`
    ///   components, or is both a file and a directory (`a` and `a/b`); or on a write failure.
    public func writeTree(
        _ files: [String: Data], base: ObjectID? = nil, removing: Set<String> = []
    ) throws -> ObjectID {
        var edits = TreeEdits()
        for path in removing.sorted() {
            try edits.add(.remove, at: path)
        }
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            try edits.add(.write(try writeBlob(data)), at: path)
        }
        let baseTree = try base.map { base throws(GitError) in try lookUpTree(base) }
        guard let root = try write(edits, base: baseTree, path: "") else {
            throw GitError.invalid("cannot write tree /", "libgit2 wrote no root tree")
        }
        return root
    }

    /// Records a commit, and optionally moves a reference to it.
    ///
    /// With `ref`, the commit is written first and the reference is then moved with a
    /// compare-and-swap (`git_reference_create_matching`): it must still point at the first
    /// parent, or for a root commit must not exist yet. If another writer moved it in between,
    /// this throws ``GitError`` with code ``GitError/Code/modified`` (or
    /// ``GitError/Code/exists`` / ``GitError/Code/notFound``) and the reference is unchanged;
    /// the new commit is then unreferenced, which is harmless. A symbolic reference such as
    /// `HEAD` is followed, so the branch it names is moved.
    /// - Parameters:
    ///   - tree: The root tree, from ``writeTree(_:base:removing:)``.
    ///   - parents: The parent commits, first parent first; empty for a root commit.
    ///   - message: The full commit message.
    ///   - author: Who wrote the change.
    ///   - committer: Who records it; the author when `nil`.
    ///   - ref: A reference to move to the new commit, e.g. `refs/heads/main`, or `nil`.
    ///   - sign: Signs the commit's bytes, returning an armored signature for its `gpgsig`
    ///     header (``CommitSigner/sign(_:)``); unsigned when `nil`.
    /// - Returns: The new commit's id.
    /// - Throws: ``GitError`` when an object is missing, a signature is invalid, or the
    ///   reference moved; what `sign` throws (then no commit is written).
    public func commit(
        tree: ObjectID, parents: [ObjectID], message: String, author: Signature,
        committer: Signature? = nil, updating ref: String? = nil,
        sign: ((String) throws -> String)? = nil
    ) throws -> ObjectID {
        let treeHandle = try handle.withPointer { repo throws(GitError) in
            var oid = tree.gitOID
            return try Handle<TreeObject>.make("cannot find tree \(tree)") {
                git_tree_lookup(&$0, repo, &oid)
            }
        }
        let parentHandles = try parents.map { parent throws(GitError) in
            try lookUpCommit(parent)
        }
        let authorHandle = try SignatureHandle(author)
        let committerHandle = try committer.map { try SignatureHandle($0) } ?? authorHandle
        let treeID = tree
        var oid = git_oid()
        var unsigned: String?
        try handle.withPointer { repo throws(GitError) in
            try treeHandle.withPointer { tree throws(GitError) in
                try authorHandle.withPointer { author throws(GitError) in
                    try committerHandle.withPointer { committer throws(GitError) in
                        try Handle.withPointers(parentHandles) { parents throws(GitError) in
                            var parents = parents
                            guard sign != nil else {
                                let code = parents.withUnsafeMutableBufferPointer { buffer in
                                    git_commit_create(
                                        &oid, repo, nil, author, committer, nil, message, tree,
                                        buffer.count, buffer.baseAddress)
                                }
                                try check(code, "cannot write commit of tree \(treeID)")
                                return
                            }
                            var content = git_buf()
                            defer { git_buf_dispose(&content) }
                            let code = parents.withUnsafeMutableBufferPointer { buffer in
                                git_commit_create_buffer(
                                    &content, repo, author, committer, nil, message, tree,
                                    buffer.count, buffer.baseAddress)
                            }
                            try check(code, "cannot write commit of tree \(treeID)")
                            unsigned = content.ptr.map { String(cString: $0) }
                        }
                    }
                }
            }
        }
        if let sign, let unsigned {
            let signature = try sign(unsigned)
            try handle.withPointer { repo throws(GitError) in
                try check(
                    git_commit_create_with_signature(&oid, repo, unsigned, signature, nil),
                    "cannot write signed commit of tree \(treeID)")
            }
        }
        let id = ObjectID(oid)
        if let ref {
            try updateReference(
                ref, to: id, expecting: parents.first,
                message: "commit: \(message.prefix { $0 != "\n" })")
        }
        return id
    }

    /// Moves a reference only if it still points where the caller last saw it.
    ///
    /// This is a compare-and-swap (`git_reference_create_matching`), so two writers cannot
    /// both succeed from the same starting point. Symbolic references such as `HEAD` are
    /// followed to the reference they name.
    /// - Parameters:
    ///   - name: A full reference name, e.g. `refs/heads/main`, or `HEAD`.
    ///   - id: The new target.
    ///   - expected: Where it must point now; `nil` when it must not exist yet.
    ///   - message: The reflog message.
    /// - Throws: ``GitError`` with code ``GitError/Code/modified`` when it points elsewhere,
    ///   ``GitError/Code/exists`` when it exists but `expected` is `nil`,
    ///   ``GitError/Code/notFound`` when it does not exist but `expected` is not `nil`, or
    ///   ``GitError/Code/invalidSpec`` when the name is malformed.
    public func updateReference(
        _ name: String, to id: ObjectID, expecting expected: ObjectID?,
        message: String = "shipml: update reference"
    ) throws {
        let target = try terminalReferenceName(name)
        let what =
            "cannot move \(target) to \(id.short)"
            + (expected.map { " from \($0.short)" } ?? " (expected it not to exist)")
        _ = try handle.withPointer { repo throws(GitError) in
            var new = id.gitOID
            // An all-zero expected id means "must not exist yet" to libgit2.
            var current = expected?.gitOID ?? git_oid()
            return try Handle<ReferenceObject>.make(what) {
                git_reference_create_matching(&$0, repo, target, &new, 1, &current, message)
            }
        }
    }

    // MARK: - Helpers

    /// Follows symbolic references from `name` to the direct reference they end at, which
    /// may not exist yet (an unborn branch).
    private func terminalReferenceName(_ name: String) throws(GitError) -> String {
        var current = name
        for _ in 0..<8 {
            let next = try handle.withPointer { repo throws(GitError) -> String? in
                var raw: OpaquePointer?
                let code = git_reference_lookup(&raw, repo, current)
                if code == GIT_ENOTFOUND.rawValue {
                    git_error_clear()
                    return nil
                }
                try check(code, "cannot read reference \(current)")
                guard let raw else { return nil }
                return Handle<ReferenceObject>(owning: raw).withPointer { ref in
                    guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC,
                        let target = git_reference_symbolic_target(ref)
                    else { return nil }
                    return String(cString: target)
                }
            }
            guard let next else { return current }
            current = next
        }
        throw GitError.invalid("cannot resolve reference \(name)", "symbolic references loop")
    }

    /// Writes one directory: `edits` applied over `base`, subdirectories first.
    /// - Returns: The tree's id, or `nil` for a directory other than the root that ends up
    ///   empty (it is not written: git does not keep empty directories).
    private func write(
        _ edits: TreeEdits, base: Handle<TreeObject>?, path: String
    ) throws(GitError) -> ObjectID? {
        let what = "cannot write tree \(path.isEmpty ? "/" : path)"
        let builder = try handle.withPointer { repo throws(GitError) in
            try Handle<TreeBuilderObject>.make(what) { raw in
                if let base {
                    base.withPointer { git_treebuilder_new(&raw, repo, $0) }
                } else {
                    git_treebuilder_new(&raw, repo, nil)
                }
            }
        }
        for (name, edit) in edits.entries.sorted(by: { $0.key < $1.key }) {
            let child = path.isEmpty ? name : "\(path)/\(name)"
            switch edit {
            case .remove:
                try remove(name, from: builder, path: child)
            case .write(let id):
                try insert(id, mode: GIT_FILEMODE_BLOB, name: name, into: builder, path: child)
            case .directory(let subEdits):
                let subBase = try existingTree(named: name, in: builder)
                if let subtree = try write(subEdits, base: subBase, path: child) {
                    try insert(
                        subtree, mode: GIT_FILEMODE_TREE, name: name, into: builder, path: child)
                } else {
                    try remove(name, from: builder, path: child)
                }
            }
        }
        return try builder.withPointer { builder throws(GitError) in
            if !path.isEmpty && git_treebuilder_entrycount(builder) == 0 {
                return nil
            }
            var oid = git_oid()
            try check(git_treebuilder_write(&oid, builder), what)
            return ObjectID(oid)
        }
    }

    /// Removes `name` from the builder if it is there.
    private func remove(
        _ name: String, from builder: Handle<TreeBuilderObject>, path: String
    ) throws(GitError) {
        try builder.withPointer { builder throws(GitError) in
            if git_treebuilder_get(builder, name) != nil {
                try check(git_treebuilder_remove(builder, name), "cannot remove \(path)")
            }
        }
    }

    private func insert(
        _ id: ObjectID, mode: git_filemode_t, name: String, into builder: Handle<TreeBuilderObject>,
        path: String
    ) throws(GitError) {
        try builder.withPointer { builder throws(GitError) in
            var oid = id.gitOID
            try check(
                git_treebuilder_insert(nil, builder, name, &oid, mode), "cannot add \(path)")
        }
    }

    /// The tree already at `name` in the builder, when there is a directory there.
    private func existingTree(
        named name: String, in builder: Handle<TreeBuilderObject>
    ) throws(GitError) -> Handle<TreeObject>? {
        try handle.withPointer { repo throws(GitError) in
            try builder.withPointer { builder throws(GitError) in
                guard let entry = git_treebuilder_get(builder, name),
                    git_tree_entry_type(entry) == GIT_OBJECT_TREE
                else { return nil }
                return try Handle.make("cannot read directory \(name)") {
                    git_tree_lookup(&$0, repo, git_tree_entry_id(entry))
                }
            }
        }
    }
}

/// Pending changes to one directory, nested by path component.
struct TreeEdits {
    enum Edit {
        case write(ObjectID)
        case remove
        case directory(TreeEdits)
    }

    var entries: [String: Edit] = [:]

    /// Records `edit` at a slash-separated path.
    /// - Throws: ``GitError`` when the path is malformed or collides with another one.
    mutating func add(_ edit: Edit, at path: String) throws(GitError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        guard !path.isEmpty,
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") })
        else {
            throw GitError.invalid(
                "invalid path \"\(path)\"",
                "expected a relative path like dir/file, without empty, . or .. components")
        }
        try add(edit, components: components[...], path: path)
    }

    private mutating func add(
        _ edit: Edit, components: ArraySlice<String>, path: String
    ) throws(GitError) {
        guard let name = components.first else { return }
        let rest = components.dropFirst()
        if rest.isEmpty {
            guard entries[name] == nil else { throw Self.collision(path) }
            entries[name] = edit
            return
        }
        var sub: TreeEdits
        switch entries[name] {
        case nil: sub = TreeEdits()
        case .directory(let existing): sub = existing
        case .write, .remove: throw Self.collision(path)
        }
        try sub.add(edit, components: rest, path: path)
        entries[name] = .directory(sub)
    }

    private static func collision(_ path: String) -> GitError {
        GitError.invalid(
            "invalid path \"\(path)\"",
            "it collides with another path given (a file and a directory of the same name, "
                + "or a path both written and removed)")
    }
}

extension GitRepository {
    /// Deletes a reference if it exists.
    /// - Throws: ``GitError`` when it exists and cannot be deleted.
    public func deleteReference(_ name: String) throws {
        try handle.withPointer { repo throws(GitError) in
            var raw: OpaquePointer?
            let code = git_reference_lookup(&raw, repo, name)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return
            }
            try check(code, "cannot read reference \(name)")
            guard let raw else { return }
            try Handle<ReferenceObject>(owning: raw).withPointer { ref throws(GitError) in
                try check(git_reference_delete(ref), "cannot delete reference \(name)")
            }
        }
    }
}
