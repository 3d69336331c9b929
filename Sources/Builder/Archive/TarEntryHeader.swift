public import Foundation

/// What a tar archive says about one entry.
public struct TarEntryHeader: Sendable, Hashable {
    /// What kind of file an entry is.
    public enum Kind: Sendable, Hashable {
        case file
        case directory
        case symlink
        /// A hard link to an earlier entry, named by ``TarEntryHeader/linkTarget``.
        case hardlink
        /// A device, FIFO or socket.
        case other
    }

    /// The path as stored; directories written by ``TarWriter`` end in `/`.
    public var path: String
    /// The entry's kind.
    public var kind: Kind
    /// The size of the entry's contents in bytes; 0 for everything but files.
    public var size: Int64
    /// The permission bits (`0o7777` at most).
    public var mode: UInt32
    /// The modification time.
    public var mtime: Date
    /// The owner's user id.
    public var uid: Int64
    /// The owner's group id.
    public var gid: Int64
    /// The owner's user name; empty when the archive stores none.
    public var userName: String
    /// The owner's group name; empty when the archive stores none.
    public var groupName: String
    /// A symbolic link's target, or the path a hard link refers to; nil for other kinds.
    public var linkTarget: String?

    /// Makes a header; the values are taken as given.
    public init(
        path: String, kind: Kind, size: Int64 = 0, mode: UInt32, mtime: Date, uid: Int64 = 0,
        gid: Int64 = 0, userName: String = "", groupName: String = "", linkTarget: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.mtime = mtime
        self.uid = uid
        self.gid = gid
        self.userName = userName
        self.groupName = groupName
        self.linkTarget = linkTarget
    }
}
