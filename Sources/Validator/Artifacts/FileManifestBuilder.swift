import Crypto
import Foundation
import ShipFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file found in the model directory: its path in the model and the real path to read.
struct ModelDirectoryFile {
    var path: String
    var realPath: String
}

/// Walks a model directory the way the Builder does: version-control and cache clutter is
/// skipped, and what `.shipmlignore` excludes (the same ``IgnoreRules``), so the files hashed
/// are the files the Builder packs; symbolic links are followed only to targets inside the
/// directory.
struct ModelDirectoryWalk {
    /// Names skipped wherever they appear, as the Builder's `ModelDirectory.clutterNames`.
    static let clutterNames: Set<String> = [
        ".git", ".gitattributes", ".gitignore", ".hg", ".svn", "__pycache__", ".DS_Store", ".cache",
    ]

    let root: String
    private(set) var files: [ModelDirectoryFile] = []
    private(set) var findings: [ArtifactFinding] = []
    private let ignoreRules: IgnoreRules

    init(root: String) {
        self.root = root
        let data = FileManager.default.contents(atPath: root + "/" + IgnoreRules.fileName)
        ignoreRules = IgnoreRules(text: data.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    mutating func walk() {
        walk(directory: root, relative: "", ancestors: [])
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private mutating func walk(directory: String, relative: String, ancestors: Set<DirectoryID>) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            report(relative, "cannot be examined: \(errorText(errno))")
            return
        }
        let id = DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        guard !ancestors.contains(id) else {
            report(relative, "leads back to an enclosing directory; expected no cycle")
            return
        }
        guard let handle = opendir(directory) else {
            report(relative, "cannot be listed: \(errorText(errno))")
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(handle)
        var inner = ancestors
        inner.insert(id)
        for name in names {
            if Self.clutterNames.contains(name) || name.hasSuffix(".pyc") { continue }
            if relative.isEmpty && name == IgnoreRules.fileName { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            let full = directory + "/" + name
            var entry = stat()
            guard lstat(full, &entry) == 0 else {
                report(path, "cannot be examined: \(errorText(errno))")
                continue
            }
            var target = stat()
            let isDirectory =
                entry.st_mode & S_IFMT == S_IFDIR
                || (entry.st_mode & S_IFMT == S_IFLNK && stat(full, &target) == 0
                    && target.st_mode & S_IFMT == S_IFDIR)
            if ignoreRules.isIgnored(path, isDirectory: isDirectory) { continue }
            switch entry.st_mode & S_IFMT {
            case S_IFREG: files.append(ModelDirectoryFile(path: path, realPath: full))
            case S_IFDIR: walk(directory: full, relative: path, ancestors: inner)
            case S_IFLNK: follow(link: full, path: path, ancestors: inner)
            default: report(path, "is not a regular file, a directory or a symbolic link")
            }
        }
    }

    private mutating func follow(link: String, path: String, ancestors: Set<DirectoryID>) {
        guard let target = resolvedPath(link) else {
            report(
                path,
                "is a symbolic link that dangles or loops; expected a link to a file "
                    + "or directory inside the model directory")
            return
        }
        guard isInside(target, root: root) else {
            report(
                path,
                "is a symbolic link to '\(target)', outside the model directory; expected a "
                    + "link to a file or directory inside it")
            return
        }
        var info = stat()
        guard stat(target, &info) == 0 else {
            report(path, "cannot be examined: \(errorText(errno))")
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: files.append(ModelDirectoryFile(path: path, realPath: target))
        case S_IFDIR: walk(directory: target, relative: path, ancestors: ancestors)
        default: report(path, "is a symbolic link to something that is not a file or directory")
        }
    }

    private mutating func report(_ path: String, _ message: String) {
        findings.append(ArtifactFinding(file: path, check: "manifest", message: message))
    }
}

/// Computes file digests in large chunks, with bounded memory.
enum FileHasher {
    /// The chunk size: large enough that system calls cost nothing next to hashing.
    static let chunkSize = 8 << 20

    /// The SHA-256 and size of the file at `path`.
    static func sha256(of path: String) throws(ArtifactIOError) -> (digest: [UInt8], size: UInt64) {
        let file = try ArtifactFile(path: path)
        var hasher = SHA256()
        let size = try file.stream(chunkSize: chunkSize) { hasher.update(bufferPointer: $0) }
        return (Array(hasher.finalize()), size)
    }

    /// The model-signing digest of digests: SHA-256 over the binary digests in the given order.
    static func modelDigest(of digests: [[UInt8]]) -> String {
        var hasher = SHA256()
        for digest in digests { hasher.update(data: digest) }
        return hex(Array(hasher.finalize()))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
