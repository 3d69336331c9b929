import ShipFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The walk behind ``ModelDirectory/scan(_:)``: it collects files and problems, never stopping
/// at the first problem.
struct ModelDirectoryScanner {
    /// The model directory's real path: absolute, with no symbolic link in it.
    let root: String
    private var ignoreRules = IgnoreRules()
    private var files: [ModelFile] = []
    private var problems: [ModelDirectoryError.Problem] = []

    /// Checks that `root` is a directory.
    init(root given: String) throws {
        let root: String
        do {
            root = try realPath(given)
        } catch {
            let reason =
                error.number == ENOENT
                ? "does not exist; expected a model directory"
                : "cannot be resolved: \(systemErrorText(error.number)); expected a model directory"
            let absolute = absolutePath(given)
            throw ModelDirectoryError(
                root: absolute,
                problems: [.init(path: ".", absolutePath: absolute, reason: reason)])
        }
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ModelDirectoryError(
                root: root,
                problems: [
                    .init(
                        path: ".", absolutePath: root,
                        reason: "is not a directory; expected a model directory")
                ])
        }
        self.root = root
    }

    /// Reads the patterns of the ignore file at the top of the model directory, if there is one.
    mutating func readIgnoreFile() {
        let name = ModelDirectory.ignoreFileName
        let path = joinPath(root, name)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno != ENOENT { report(name, "cannot be examined: \(systemErrorText(errno))") }
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            report(name, "is not a regular file; expected gitignore-style patterns")
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try readAll(path)
        } catch {
            report(name, "cannot be read: \(systemErrorText(error.number))")
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else {
            report(name, "is not valid UTF-8; expected gitignore-style patterns in UTF-8")
            return
        }
        ignoreRules = IgnoreRules(text: text)
    }

    /// Walks the directory at the real path `directory`, whose path in the model is `relative`.
    /// `ancestors` maps each enclosing directory being walked to its relative path; `link` is
    /// the target of the symbolic link the walk came through, if it did.
    mutating func walk(
        _ directory: String, relative: String, ancestors: [DirectoryID: String],
        link: String? = nil
    ) {
        let listing: (id: DirectoryID, names: [[UInt8]])
        do {
            listing = try list(directory)
        } catch {
            report(relative, "cannot be listed: \(systemErrorText(error.number))")
            return
        }
        if let enclosing = ancestors[listing.id] {
            let enclosingPath = enclosing.isEmpty ? "." : enclosing
            let what = link.map { "is a symbolic link to '\($0)', which leads" } ?? "leads"
            report(
                relative,
                "\(what) back to the enclosing directory '\(enclosingPath)'; expected no "
                    + "cycle of directories")
            return
        }
        var ancestors = ancestors
        ancestors[listing.id] = relative
        for name in listing.names {
            visit(name, in: directory, relative: relative, ancestors: ancestors)
        }
    }

    /// Sorts what was found, or throws every problem.
    mutating func finish() throws -> ModelDirectory {
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        // Swift compares strings by canonical equivalence: names that differ only in Unicode
        // normalisation would be one file to a dictionary, and to macOS.
        var seen: [String: String] = [:]
        for file in files {
            if let other = seen[file.path] {
                report(
                    file.path,
                    "is the same name as '\(other)' once Unicode-normalised; expected names "
                        + "that differ after normalisation")
            } else {
                seen[file.path] = file.path
            }
        }
        if files.isEmpty && problems.isEmpty {
            report(
                "",
                "holds no files; expected at least one file (after skipping version-control "
                    + "clutter and what \(ModelDirectory.ignoreFileName) excludes)")
        }
        guard problems.isEmpty else {
            let sorted = problems.enumerated().sorted { left, right in
                if left.element.path.utf8.elementsEqual(right.element.path.utf8) {
                    return left.offset < right.offset
                }
                return left.element.path.utf8.lexicographicallyPrecedes(right.element.path.utf8)
            }
            throw ModelDirectoryError(root: root, problems: sorted.map(\.element))
        }
        return ModelDirectory(root: root, files: files, directories: directories())
    }

    // MARK: - Entries

    /// What an entry turned out to be, after following a symbolic link.
    private enum Entry {
        /// A regular file, to read at this real path.
        case file(String)
        /// A directory, to walk at this real path, and the target of the symbolic link that
        /// leads to it, if one does.
        case directory(String, link: String?)
        /// Something that cannot be packaged, and why.
        case problem(String)

        var isDirectory: Bool {
            if case .directory = self { return true }
            return false
        }
    }

    private mutating func visit(
        _ bytes: [UInt8], in directory: String, relative: String,
        ancestors: [DirectoryID: String]
    ) {
        let name = String(decoding: bytes, as: UTF8.self)
        let path = relative.isEmpty ? name : relative + "/" + name
        guard name.utf8.elementsEqual(bytes) else {
            report(
                path,
                "has a name that is not valid UTF-8; expected UTF-8 names, which tar and OCI "
                    + "annotations carry unchanged to every system")
            return
        }
        if isClutter(name) || (relative.isEmpty && name == ModelDirectory.ignoreFileName) {
            return
        }
        let entry = inspect(joinPath(directory, name))
        if ignoreRules.isIgnored(path, isDirectory: entry.isDirectory) { return }
        if name.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            report(
                path,
                "has a line break in its name; expected names without one, as tar and OCI "
                    + "annotations on other systems cannot carry it")
            return
        }
        if name.utf8.contains(UInt8(ascii: "\\")) {
            report(
                path,
                "has a backslash in its name; expected names without one, as Windows and some "
                    + "tar readers take it for a path separator")
            return
        }
        switch entry {
        case .file(let source): addFile(path, source: source)
        case .directory(let real, let link):
            walk(real, relative: path, ancestors: ancestors, link: link)
        case .problem(let reason): report(path, reason)
        }
    }

    private func isClutter(_ name: String) -> Bool {
        ModelDirectory.clutterNames.contains(name) || name.utf8.reversed().starts(with: "cyp.".utf8)
    }

    /// What the entry at `path` is, without following a symbolic link out of the model.
    private func inspect(_ path: String) -> Entry {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return .problem("cannot be examined: \(systemErrorText(errno))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(path)
        case S_IFDIR: return .directory(path, link: nil)
        case S_IFLNK: return inspectLink(path)
        default:
            return .problem(
                "is \(specialFileName(info)); expected a regular file, a directory or a "
                    + "symbolic link to one")
        }
    }

    private func inspectLink(_ path: String) -> Entry {
        let target = readLink(path)
        let expected = "expected a link to a file or directory inside the model directory"
        let resolved: String
        do {
            resolved = try realPath(path)
        } catch {
            switch error.number {
            case ENOENT:
                return .problem("is a dangling symbolic link to '\(target)'; \(expected)")
            case ELOOP:
                return .problem("is a symbolic link to '\(target)' that loops; \(expected)")
            default:
                return .problem(
                    "is a symbolic link to '\(target)' that cannot be resolved: "
                        + "\(systemErrorText(error.number)); \(expected)")
            }
        }
        guard isInsideRoot(resolved) else {
            let destination = resolved == target ? "" : " (to '\(resolved)')"
            return .problem(
                "is a symbolic link to '\(target)', which leads outside the model directory"
                    + "\(destination); \(expected)")
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            return .problem(
                "is a symbolic link to '\(target)' whose target cannot be examined: "
                    + "\(systemErrorText(errno))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(resolved)
        case S_IFDIR: return .directory(resolved, link: target)
        default:
            return .problem(
                "is a symbolic link to '\(target)', which is \(specialFileName(info)); "
                    + "expected a link to a regular file or a directory")
        }
    }

    private func isInsideRoot(_ path: String) -> Bool {
        if root == "/" || path.utf8.elementsEqual(root.utf8) { return true }
        return path.utf8.starts(with: (root + "/").utf8)
    }

    /// Opens the file to prove it can be read, and records it with what `fstat` says of the
    /// open file.
    private mutating func addFile(_ path: String, source: String) {
        // O_NOFOLLOW: `source` holds no link, so a link here now is a swap since the walk.
        // O_NONBLOCK: a FIFO swapped in since cannot block the open.
        let descriptor = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            report(path, "cannot be opened for reading: \(systemErrorText(errno))")
            return
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            report(path, "cannot be examined: \(systemErrorText(errno))")
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            report(path, "changed while it was scanned; expected a regular file")
            return
        }
        let (kind, isGuess) = ModelFileKind.classify(path: path)
        files.append(
            ModelFile(
                path: path, sourcePath: source, size: Int64(info.st_size),
                mode: UInt32(info.st_mode) & 0o111 != 0 ? 0o755 : 0o644, kind: kind,
                classificationIsGuess: isGuess, identity: FileIdentity(info)))
    }

    private mutating func report(_ relative: String, _ reason: String) {
        problems.append(
            ModelDirectoryError.Problem(
                path: relative.isEmpty ? "." : relative,
                absolutePath: relative.isEmpty ? root : joinPath(root, relative),
                reason: reason))
    }

    /// Every directory on the way to a file, sorted byte-wise.
    private func directories() -> [String] {
        var found = Set<[UInt8]>()
        for file in files {
            let bytes = Array(file.path.utf8)
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
                found.insert(Array(bytes[..<index]))
            }
        }
        return found.sorted { $0.lexicographicallyPrecedes($1) }
            .map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A directory's identity, to notice a walk coming back to where it already is.
struct DirectoryID: Hashable {
    var device: UInt64
    var inode: UInt64
}

/// A system call failed with `errno` set to `number`.
struct SystemCallError: Error {
    var number: Int32
}

/// The directory's identity and the names in it but `.` and `..`, sorted byte-wise. The
/// directory is closed before this returns, so a deep walk holds no descriptors.
private func list(_ path: String) throws(SystemCallError) -> (id: DirectoryID, names: [[UInt8]]) {
    // O_NOFOLLOW: `path` holds no link, so a link here now is a swap since the walk.
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemCallError(number: errno) }
    guard let stream = fdopendir(descriptor) else {
        let number = errno
        close(descriptor)
        throw SystemCallError(number: number)
    }
    defer { closedir(stream) }
    var info = stat()
    guard fstat(dirfd(stream), &info) == 0 else { throw SystemCallError(number: errno) }
    var names: [[UInt8]] = []
    while true {
        errno = 0
        guard let entry = readdir(stream) else {
            if errno != 0 { throw SystemCallError(number: errno) }
            break
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] {
            continue
        }
        names.append(name)
    }
    names.sort { $0.lexicographicallyPrecedes($1) }
    let id = DirectoryID(
        device: UInt64(truncatingIfNeeded: info.st_dev),
        inode: UInt64(truncatingIfNeeded: info.st_ino))
    return (id, names)
}

/// The absolute path of `path` with every symbolic link resolved. A result that is not valid
/// UTF-8 is an `EILSEQ` error.
private func realPath(_ path: String) throws(SystemCallError) -> String {
    guard let resolved = realpath(path, nil) else { throw SystemCallError(number: errno) }
    defer { free(resolved) }
    let bytes = UnsafeRawBufferPointer(start: resolved, count: strlen(resolved))
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.utf8.elementsEqual(bytes) else { throw SystemCallError(number: EILSEQ) }
    return text
}

/// The target a symbolic link holds, as text (invalid UTF-8 shown as U+FFFD), or `?`.
private func readLink(_ path: String) -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
    let count = readlink(path, &buffer, buffer.count)
    guard count >= 0 else { return "?" }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Every byte of the regular file at `path`.
private func readAll(_ path: String) throws(SystemCallError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else { throw SystemCallError(number: errno) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { raw in
            read(descriptor, raw.baseAddress, raw.count)
        }
        if count == 0 { return bytes }
        if count < 0 {
            if errno == EINTR { continue }
            throw SystemCallError(number: errno)
        }
        bytes += buffer[..<count]
    }
}

/// What kind of special file `info` describes, with an article: `a FIFO (named pipe)`.
private func specialFileName(_ info: stat) -> String {
    switch info.st_mode & S_IFMT {
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFSOCK: "a socket"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    default: "a special file"
    }
}

/// `strerror`'s text for `number`, its first letter lowercased unless the word is in capitals.
private func systemErrorText(_ number: Int32) -> String {
    let text = String(cString: strerror(number))
    guard let first = text.first, text.dropFirst().first?.isLowercase == true else { return text }
    return first.lowercased() + text.dropFirst()
}

/// `path`, made absolute against the working directory when it is relative.
private func absolutePath(_ path: String) -> String {
    guard !path.hasPrefix("/"), let directory = getcwd(nil, 0) else { return path }
    defer { free(directory) }
    return path.isEmpty ? String(cString: directory) : joinPath(String(cString: directory), path)
}

/// `name` inside the directory `directory`, which may be `/`.
private func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
