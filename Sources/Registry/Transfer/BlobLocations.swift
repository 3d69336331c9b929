import Foundation
public import ShipModel

#if canImport(Glibc)
    import Glibc
#endif

/// Which repositories of a registry are known to hold a blob, so a push can mount it from one
/// of them instead of uploading it (as skopeo's blob-info cache does). One small file per blob
/// and registry under the cache directory, one repository per line, appended with `O_APPEND`
/// (atomic for lines this short), so concurrent pushes need no lock. A stale entry costs one
/// refused mount.
public struct BlobLocations: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    private func path(_ host: String, _ digest: Digest) -> String {
        let safeHost = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return
            "\(directory)/registry-blobs/\(String(safeHost))/\(digest.algorithm)-\(digest.encoded)"
    }

    /// The repositories recorded for a blob, most recent first, at most `limit`.
    public func repositories(holding digest: Digest, on host: String, limit: Int = 3) -> [String] {
        guard let data = FileManager.default.contents(atPath: path(host, digest)) else { return [] }
        var seen: Set<String> = []
        var found: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").reversed()
        where seen.insert(String(line)).inserted {
            found.append(String(line))
            if found.count == limit { break }
        }
        return found
    }

    /// Records that `repository` on `host` holds the blob. Failures are ignored: the cache only
    /// saves uploads.
    public func record(_ digest: Digest, on host: String, in repository: String) {
        guard !repository.contains("\n"),
            !repositories(holding: digest, on: host, limit: 1).contains(repository)
        else { return }
        let file = path(host, digest)
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array((repository + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
