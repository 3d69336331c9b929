public import Foundation

/// The file-system seam: what shipml's libraries read and write, so that pure logic can be
/// tested against ``InMemoryFileSystem`` and run against ``LocalFileSystem``.
public protocol FileSystem: Sendable {
    /// Reads a whole file.
    /// - Throws: ``FileSystemError`` naming the path when it is missing or unreadable.
    func readFile(at path: String) throws -> Data
    /// Writes a file atomically: a reader sees the old content or the whole new one, never a part.
    func writeFile(at path: String, contents: Data) throws
    /// Whether something exists at `path`, and whether it is a directory.
    func fileKind(at path: String) -> FileKind?
    /// Creates a directory and any missing parents.
    func createDirectory(at path: String) throws
    /// The names of a directory's entries, sorted.
    func contentsOfDirectory(at path: String) throws -> [String]
}

/// What is found at a path.
public enum FileKind: Sendable, Equatable {
    case file
    case directory
    case symbolicLink
    case other
}

extension FileSystem {
    /// Reads a UTF-8 text file.
    public func readText(at path: String) throws -> String {
        let data = try readFile(at: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileSystemError(path: path, reason: "is not valid UTF-8 text")
        }
        return text
    }

    /// Writes UTF-8 text atomically.
    public func writeText(at path: String, _ text: String) throws {
        try writeFile(at: path, contents: Data(text.utf8))
    }

    /// Whether a regular file exists at `path`.
    public func isFile(_ path: String) -> Bool { fileKind(at: path) == .file }

    /// Whether a directory exists at `path`.
    public func isDirectory(_ path: String) -> Bool { fileKind(at: path) == .directory }
}

/// A failed file operation, naming the path and the reason.
public struct FileSystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Joins path components the way a shell user expects: an absolute second part wins.
public func joinPath(_ base: String, _ relative: String) -> String {
    if relative.hasPrefix("/") || base.isEmpty || base == "." { return relative }
    return base.hasSuffix("/") ? base + relative : base + "/" + relative
}
