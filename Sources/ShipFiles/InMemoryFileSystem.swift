public import Foundation

/// A file system held in memory, for fast unit tests of logic that reads and writes files.
/// Paths are normalised strings; directories are implied by the files below them or created.
public final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
    // @unchecked Sendable: every access to `files` and `directories` holds `lock`.
    private let lock = NSLock()
    private var files: [String: Data] = [:]
    private var directories: Set<String> = ["/", "."]

    public init(files: [String: String] = [:]) {
        for (path, text) in files {
            self.files[Self.normalise(path)] = Data(text.utf8)
            addParents(of: Self.normalise(path))
        }
    }

    public func readFile(at path: String) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalise(path)
        if let data = files[key] { return data }
        if directories.contains(key) {
            throw FileSystemError(path: path, reason: "is a directory, expected a file")
        }
        throw FileSystemError(path: path, reason: "no such file")
    }

    public func writeFile(at path: String, contents: Data) throws {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalise(path)
        if directories.contains(key) {
            throw FileSystemError(path: path, reason: "is a directory, expected a file")
        }
        files[key] = contents
        addParents(of: key)
    }

    public func fileKind(at path: String) -> FileKind? {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalise(path)
        if files[key] != nil { return .file }
        if directories.contains(key) { return .directory }
        return nil
    }

    public func createDirectory(at path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalise(path)
        if files[key] != nil {
            throw FileSystemError(path: path, reason: "is a file, expected a directory")
        }
        directories.insert(key)
        addParents(of: key)
    }

    public func contentsOfDirectory(at path: String) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalise(path)
        guard directories.contains(key) else {
            throw FileSystemError(path: path, reason: "no such directory")
        }
        let prefix = key == "/" ? "/" : key + "/"
        var names: Set<String> = []
        for candidate in Array(files.keys) + Array(directories) where candidate.hasPrefix(prefix) {
            let rest = candidate.dropFirst(prefix.count)
            if let first = rest.split(separator: "/").first { names.insert(String(first)) }
        }
        return names.sorted()
    }

    private func addParents(of key: String) {
        var parent = (key as NSString).deletingLastPathComponent
        while !parent.isEmpty, !directories.contains(parent) {
            directories.insert(parent)
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    static func normalise(_ path: String) -> String {
        let standard = (path as NSString).standardizingPath
        return standard.isEmpty ? "." : standard
    }
}
