/// What a commit records, copied out of the repository.
public struct CommitInfo: Hashable, Sendable {
    /// The commit's own id.
    public var id: ObjectID
    /// The root tree it records.
    public var tree: ObjectID
    /// Its parents, first parent first; empty for a root commit.
    public var parents: [ObjectID]
    /// The full message, as written.
    public var message: String
    /// The first paragraph of the message, on one line.
    public var summary: String
    /// Who wrote the change.
    public var author: Signature
    /// Who recorded the commit.
    public var committer: Signature
}

/// One entry of a tree: a file or a directory under its parent.
public struct TreeEntry: Hashable, Sendable {
    /// What an entry is.
    public enum Kind: Hashable, Sendable {
        /// A file (blob), executable or not.
        case file
        /// A directory (tree).
        case directory
        /// A symbolic link; its blob holds the target path.
        case symbolicLink
        /// A submodule: a commit in another repository.
        case submodule
    }

    /// The entry's name within its directory, without slashes.
    public var name: String
    /// Whether it is a file, directory, link or submodule.
    public var kind: Kind
    /// The blob, tree or commit it names.
    public var id: ObjectID
}
