import Foundation
import Promoter
import ShipFiles
public import ShipModel

/// Where the state repository is: the one reading of `state.repository` and `--state`.
///
/// - A path is a local repository. One from `shipml.yaml` is relative to the file's folder;
///   one typed on the command line (`--state`) is relative to the working directory, as every
///   other path a flag names.
/// - `file://PATH` is a remote on this machine, which must exist: a typo there is an error,
///   not a new empty repository.
/// - `http(s)://`, `ssh://` and scp-like `user@host:path` are remotes.
public struct StateLocation: Sendable, Equatable, CustomStringConvertible {
    /// What `StateWorkspace` opens: an absolute path, or the URL as given.
    public var resolved: String
    /// Whether a missing repository there may be created (a plain local path only).
    public var mayCreate: Bool

    /// - Parameters:
    ///   - text: The location as written.
    ///   - base: The directory a relative path is resolved against.
    /// - Throws: ``ShipKitError`` (bad input) for an empty location, or a `file://` one that
    ///   does not exist.
    public init(_ text: String, relativeTo base: String) throws {
        guard !text.isEmpty else {
            throw ShipKitError.badInput("state.repository: expected a path or a URL, got nothing")
        }
        if text.hasPrefix("file://") {
            let path = String(text.dropFirst("file://".count))
            resolved = absolutePath(path, base: base)
            mayCreate = false
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw ShipKitError.badInput(
                    "state repository \(text) does not exist; create it with "
                        + "git init --bare \(resolved), or name a plain path to let shipml create it"
                )
            }
        } else if text.contains("://") || GitRepository.isSCPLike(text) {
            resolved = text
            mayCreate = false
        } else {
            resolved = absolutePath(text, base: base)
            mayCreate = true
        }
    }

    /// Whether the state is fetched from and pushed to a remote (as opposed to a path).
    public var isURL: Bool { resolved.contains("://") || GitRepository.isSCPLike(resolved) }

    /// The location without credentials, for messages.
    public var description: String { Redaction.location(resolved) }

    /// The location a command uses: `--state` (relative to the working directory), else the
    /// project's `state.repository` (relative to the project's folder), else the default.
    public static func choose(flag: String?, project: LoadedProject?) throws -> StateLocation {
        if let flag {
            return try StateLocation(flag, relativeTo: FileManager.default.currentDirectoryPath)
        }
        if let project {
            return try StateLocation(
                project.project.state.repository, relativeTo: absolutePath(project.directory))
        }
        return try StateLocation(
            StateSpec.defaultRepository, relativeTo: FileManager.default.currentDirectoryPath)
    }
}

/// `path` made absolute against `base`, itself made absolute against the working directory.
public func absolutePath(_ path: String, base: String = ".") -> String {
    if path.hasPrefix("/") { return path }
    let directory = FileManager.default.currentDirectoryPath
    let root =
        base.hasPrefix("/")
        ? base : (base == "." || base.isEmpty ? directory : joinPath(directory, base))
    return joinPath(root, path)
}
