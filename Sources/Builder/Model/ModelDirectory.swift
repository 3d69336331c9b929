import ShipFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a model directory that the builder packages, found by a safe, deterministic
/// walk.
///
/// ``scan(_:)`` lists regular files only, sorted by the bytes of their paths, so the result
/// depends neither on the order in which the system lists a directory nor on the locale.
public struct ModelDirectory: Sendable {
    /// The model directory's absolute path, with symbolic links resolved.
    public var root: String
    /// The files to package, sorted by path, byte-wise (by UTF-8 bytes).
    public var files: [ModelFile]
    /// Every directory on the way to a file, relative and `/`-separated, sorted byte-wise; the
    /// model directory itself is not listed.
    public var directories: [String]

    public init(root: String, files: [ModelFile], directories: [String]) {
        self.root = root
        self.files = files
        self.directories = directories
    }

    /// The file at the top of a model directory that lists what to leave out, in the syntax of
    /// `.gitignore`. It is not packaged itself.
    public static let ignoreFileName = IgnoreRules.fileName

    /// Names skipped at any depth, with everything under them: version control and editor
    /// clutter that never belongs in a model. Files ending in `.pyc` are skipped too.
    public static let clutterNames: Set<String> = [
        ".git", ".gitattributes", ".gitignore", ".hg", ".svn", "__pycache__", ".DS_Store", ".cache",
    ]

    /// Walks a model directory and lists the files to package.
    ///
    /// Symbolic links are followed only to targets inside the directory: a link to a file
    /// becomes a file with the link's path and the target's bytes; a link to a directory is
    /// walked under the link's path. Hard links are separate files. What ``clutterNames`` and
    /// the ``ignoreFileName`` file name is skipped.
    ///
    /// - Parameter root: the model directory.
    /// - Returns: the files and directories to package.
    /// - Throws: ``ModelDirectoryError`` with every problem found: a missing or empty
    ///   directory; a link that leaves the directory, dangles or loops; a device, socket or
    ///   FIFO; a file or directory that cannot be read; a name that is not UTF-8 or holds a
    ///   line break or a backslash; two names that Unicode normalisation makes one.
    public static func scan(_ root: String) throws -> ModelDirectory {
        var scanner = try ModelDirectoryScanner(root: root)
        scanner.readIgnoreFile()
        scanner.walk(scanner.root, relative: "", ancestors: [:])
        return try scanner.finish()
    }
}

/// A regular file to package.
public struct ModelFile: Sendable, Hashable {
    /// The path in the package: relative to the model directory, `/`-separated, for example
    /// `weights/model-00001-of-00002.safetensors`. For a file reached through a symbolic link,
    /// the link's path.
    public var path: String
    /// The absolute path to read the bytes from: the file itself, or a link's target.
    public var sourcePath: String
    /// The size in bytes.
    public var size: Int64
    /// The permission bits to package: `0o755` when any execute bit is set, else `0o644`.
    public var mode: UInt32
    /// What the file is for, from its name.
    public var kind: ModelFileKind
    /// Whether ``kind`` is the fallback for a name that no classification rule knows.
    public var classificationIsGuess: Bool
    /// The file's identity and times when it was scanned, to tell whether it has changed.
    public var identity: FileIdentity

    public init(
        path: String, sourcePath: String, size: Int64, mode: UInt32, kind: ModelFileKind,
        classificationIsGuess: Bool, identity: FileIdentity
    ) {
        self.path = path
        self.sourcePath = sourcePath
        self.size = size
        self.mode = mode
        self.kind = kind
        self.classificationIsGuess = classificationIsGuess
        self.identity = identity
    }
}

/// What identifies a file's contents without reading them, as git's index does: when none of
/// these has changed, work done on the file before (its digest, say) still holds.
public struct FileIdentity: Sendable, Hashable {
    /// The device that holds the file.
    public var device: UInt64
    /// The file's inode number on that device.
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// When the contents last changed, in nanoseconds since 1970 (clamped to the range of
    /// `Int64`).
    public var modificationTimeNanoseconds: Int64
    /// When the inode last changed (contents, mode, links, a rename), in nanoseconds since 1970.
    public var changeTimeNanoseconds: Int64

    public init(
        device: UInt64, inode: UInt64, size: Int64, modificationTimeNanoseconds: Int64,
        changeTimeNanoseconds: Int64
    ) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.changeTimeNanoseconds = changeTimeNanoseconds
    }
}

extension FileIdentity {
    init(_ info: stat) {
        #if canImport(Darwin)
            let modified = info.st_mtimespec
            let changed = info.st_ctimespec
        #else
            let modified = info.st_mtim
            let changed = info.st_ctim
        #endif
        self.init(
            device: UInt64(truncatingIfNeeded: info.st_dev),
            inode: UInt64(truncatingIfNeeded: info.st_ino), size: Int64(info.st_size),
            modificationTimeNanoseconds: nanoseconds(modified),
            changeTimeNanoseconds: nanoseconds(changed))
    }
}

/// A time as nanoseconds since 1970, saturating rather than trapping for a time more than
/// 292 years away.
private func nanoseconds(_ time: timespec) -> Int64 {
    let (seconds, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return time.tv_sec < 0 ? .min : .max }
    let (total, overflowAgain) = seconds.addingReportingOverflow(Int64(time.tv_nsec))
    return overflowAgain ? .max : total
}
