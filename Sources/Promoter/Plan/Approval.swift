public import Foundation
public import ShipModel
import Yams

/// An approval of one release for one environment, kept in the state repository at
/// `approvals/<env>/<model>/<digest-hex>/<approver>.yaml` so that the approvals gate can
/// count it. Approving again overwrites the same file: one approver counts once.
public struct Approval: Codable, Sendable, Equatable {
    public var apiVersion: String = ReleaseRecord.currentAPIVersion
    public var kind: String = "Approval"
    public var environment: String
    public var model: String
    /// The artifact digest of the release approved.
    public var release: Digest
    /// Who approved: a CI login or a git user name.
    public var approver: String
    public var approvedAt: String
    public var reason: String?

    public init(
        environment: String, model: String, release: Digest, approver: String,
        approvedAt: String, reason: String? = nil
    ) {
        self.environment = environment
        self.model = model
        self.release = release
        self.approver = approver
        self.approvedAt = approvedAt
        self.reason = reason
    }

    /// The approval as YAML.
    public func yaml() throws -> String { try YAMLEncoder().encode(self) }

    /// Reads an approval file.
    /// - Throws: ``StateError`` naming the file.
    public static func parse(_ text: String, file: String) throws -> Approval {
        do {
            let approval = try YAMLDecoder().decode(Approval.self, from: text)
            guard approval.kind == "Approval" else {
                throw StateError(file, "kind: expected Approval, got \(approval.kind)")
            }
            return approval
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(file, "not an approval (\(error))")
        }
    }

    /// `approvals/<env>/<model>/<digest-hex>`.
    public static func directory(environment: String, model: String, release: Digest) -> String {
        "approvals/\(environment)/\(model)/\(release.encoded)"
    }

    /// The file of this approval; the approver's name is reduced to `[a-z0-9._-]`.
    public var path: String {
        let safe = approver.lowercased().map { character -> Character in
            character.isASCII
                && (character.isLetter || character.isNumber || "._-".contains(character))
                ? character : "_"
        }
        return Self.directory(environment: environment, model: model, release: release)
            + "/\(String(safe)).yaml"
    }
}
