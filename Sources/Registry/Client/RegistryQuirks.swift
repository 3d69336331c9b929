/// What a registry does differently from the distribution spec, known by its host, with the
/// fallback the client takes. Every entry is a documented or widely reported behaviour.
public struct RegistryQuirks: Sendable, Equatable {
    /// Blobs up to this size go up in one `PUT`; larger ones in `PATCH` chunks.
    public var monolithicLimit: Int64
    /// The size of each `PATCH` chunk (the last may be smaller).
    public var chunkSize: Int64
    /// Whether the registry takes chunked uploads at all.
    public var chunkedUploads: Bool
    /// Whether a `PATCH` may answer 201 instead of 202 (and the upload then goes on).
    public var patchMayAnswerCreated: Bool
    /// A single `PUT` larger than this is refused: such blobs must be chunked.
    public var largestMonolithic: Int64?

    /// The spec's behaviour with shipml's sizes: one `PUT` up to 64 MiB, then 128 MiB chunks.
    public static let standard = RegistryQuirks(
        monolithicLimit: 64 << 20, chunkSize: 128 << 20, chunkedUploads: true,
        patchMayAnswerCreated: false, largestMonolithic: nil)

    /// Whether a `PATCH` answered `status` means the chunk was taken: 202, or 201 where the
    /// registry answers that.
    public func patchAccepted(_ status: Int) -> Bool {
        status == 202 || (patchMayAnswerCreated && status == 201)
    }

    /// The quirks of a registry host.
    public static func forHost(_ host: String) -> RegistryQuirks {
        var quirks = standard
        let name = host.split(separator: ":").first.map(String.init)?.lowercased() ?? host
        if name == "ghcr.io" {
            // ghcr.io refuses PATCH chunks over 4 MiB.
            quirks.chunkSize = 4 << 20
        } else if name.hasSuffix("-docker.pkg.dev") || name == "gcr.io" || name.hasSuffix(".gcr.io")
        {
            // Google Artifact Registry has no chunked upload: every blob is one PUT.
            quirks.chunkedUploads = false
            quirks.monolithicLimit = .max
        } else if name.contains(".dkr.ecr.") && name.hasSuffix(".amazonaws.com") {
            // ECR answers 201 after the first chunk, and wants chunks of at least 5 MiB.
            quirks.patchMayAnswerCreated = true
        } else if name == "quay.io" {
            // Quay refuses a single upload over 20 GB.
            quirks.largestMonolithic = 20_000_000_000
        }
        return quirks
    }

    /// The chunk size to use given the registry's `OCI-Chunk-Min-Length`.
    func chunkSize(minimum: Int64?) -> Int64 {
        max(chunkSize, minimum ?? 0)
    }

    /// Whether a blob of this size goes up in one `PUT`.
    func isMonolithic(_ size: Int64) -> Bool {
        if !chunkedUploads { return true }
        if let largestMonolithic, size > largestMonolithic { return false }
        return size <= monolithicLimit
    }
}
