public import Foundation
import Promoter

/// Where a build comes from, for annotations: never the clock, so the same inputs give the same
/// digests on any machine at any time.
public struct Provenance {
    /// `SOURCE_DATE_EPOCH`, else the time of the commit the model directory is checked out at,
    /// else the Unix epoch.
    public var created: Date
    /// The mtime written into every tar entry: `SOURCE_DATE_EPOCH`, or 0.
    public var entryTime: Date
    public var revision: String?
    public var source: String?

    public static func detect(modelDirectory: String, environment: [String: String]) throws
        -> Provenance
    {
        var epoch: Date?
        if let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty {
            guard let seconds = Int64(text), seconds >= 0 else {
                throw ShipKitError.badInput(
                    "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got \"\(text)\""
                )
            }
            epoch = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        var revision: String?
        var source: String?
        var commitTime: Date?
        if let repository = try? GitRepository.discover(containing: modelDirectory),
            let head = try? repository.resolve("HEAD"),
            let commit = try? repository.commit(head)
        {
            revision = head.description
            commitTime = commit.committer.time
            source = repository.remoteURL("origin")
        }
        return Provenance(
            created: epoch ?? commitTime ?? Date(timeIntervalSince1970: 0),
            entryTime: epoch ?? Date(timeIntervalSince1970: 0), revision: revision, source: source)
    }
}
