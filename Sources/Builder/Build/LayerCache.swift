import Foundation
import ShipFiles
import ShipModel

/// Remembers the layers of files already packed, keyed like git's index by each file's path,
/// size, mtime, ctime, inode and device (plus everything else that shapes the layer's bytes),
/// so an unchanged model rebuilds without reading its weights. A hit is used only when the
/// target layout already holds the blob; otherwise the layer is built again.
public struct LayerCache: Sendable {
    /// The cache's directory, e.g. `~/.cache/shipml`.
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// `$SHIPML_CACHE_DIR`, else `$XDG_CACHE_HOME/shipml`, else `~/.cache/shipml`.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let explicit = environment["SHIPML_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/shipml" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/shipml" }
        return nil
    }

    struct Entry: Codable {
        var digest: Digest
        var diffID: Digest
        var size: Int64
    }

    /// The key of a layer: a hash over the format version, the tar settings and every file's
    /// identity.
    static func key(_ plan: LayerPlan, settings: LayerWriter.Settings) -> String {
        var text = "shipml-layer-v1\n\(settings.compression.rawValue)\n"
        text += "\(Int64(settings.mtime.timeIntervalSince1970))\n\(settings.pathPrefix)\n"
        for file in plan.files {
            let id = file.identity
            text += "\(file.path)\t\(file.mode)\t\(id.size)\t\(id.device)\t\(id.inode)"
            text += "\t\(id.modificationTimeNanoseconds)\t\(id.changeTimeNanoseconds)\n"
        }
        return Digest(sha256: SHA256Hasher.hash(Data(text.utf8))).encoded
    }

    func lookup(_ key: String) -> Entry? {
        guard let data = try? LocalFileSystem().readFile(at: path(key)) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    func store(_ entry: Entry, for key: String) {
        // The cache is an optimisation: failing to write it never fails a build.
        let fileSystem = LocalFileSystem()
        try? fileSystem.createDirectory(at: directory + "/layers")
        if let data = try? CanonicalJSON.encode(entry) {
            try? fileSystem.writeFile(at: path(key), contents: data)
        }
    }

    private func path(_ key: String) -> String { "\(directory)/layers/\(key).json" }
}
