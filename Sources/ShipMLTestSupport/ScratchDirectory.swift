public import Foundation

/// A fresh directory under the system's temporary directory, removed when the last reference
/// to it goes away.
public final class ScratchDirectory: Sendable {
    /// The directory's absolute path, with symbolic links resolved (so `/tmp` on macOS reads
    /// `/private/tmp`, as git reports it).
    public let path: String

    public init(prefix: String = "shipml-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        path = (base as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The path of `relative` inside the directory.
    public func path(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    /// The URL of the directory, or of `relative` inside it.
    public func url(_ relative: String = "") -> URL {
        URL(fileURLWithPath: relative.isEmpty ? path : self.path(relative))
    }

    /// Writes a text file, creating its parent directories.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    /// Writes a file, creating its parent directories.
    @discardableResult
    public func write(_ relative: String, _ data: Data) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }
}
