public import Foundation

/// Something a registry operation could not do, said so that the user knows what to fix.
///
/// Messages name the registry, repository and digest; they never contain a password, a token or
/// an upload URL's query.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for exit codes and for callers that react to some.
    public enum Kind: String, Sendable, Equatable {
        /// 401: no credentials, or the registry refused them.
        case unauthorized
        /// 403: the credentials are not allowed to do this.
        case denied
        /// The repository does not exist (or is hidden from these credentials).
        case nameUnknown
        /// A blob the operation needed is not in the repository.
        case blobUnknown
        /// The tag or digest names no manifest.
        case manifestUnknown
        /// The registry refused a manifest or a media type.
        case unsupported
        /// Content did not match its digest or size.
        case digestMismatch
        /// 429 after every retry.
        case tooManyRequests
        /// The registry could not be reached, or answered 5xx after every retry.
        case unavailable
        /// The registry answered something the protocol does not allow.
        case protocolViolation
        /// The local configuration (docker config, credential helper, layout) is wrong.
        case configuration
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Whether the failure lies in the environment (network, registry, credentials) rather
    /// than in what the user asked for.
    public var isEnvironmental: Bool {
        switch kind {
        case .nameUnknown, .manifestUnknown, .blobUnknown, .unsupported: false
        default: true
        }
    }

    /// The OCI error document's entries: `{"errors": [{"code", "message", "detail"}]}`.
    static func errorCodes(_ body: Data) -> [(code: String, message: String)] {
        struct Document: Decodable {
            struct Entry: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Entry]?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
            return []
        }
        return (document.errors ?? []).map { ($0.code ?? "", $0.message ?? "") }
    }

    /// The error for an unexpected response to `what` (e.g. "pushing blob sha256:… to
    /// host/repo").
    static func from(_ response: HTTPResponse, _ what: String) -> RegistryError {
        let codes = errorCodes(response.body)
        let codeNames = Set(codes.map(\.code))
        let said = codes.map { $0.message.isEmpty ? $0.code : "\($0.code): \($0.message)" }
            .joined(separator: "; ")
        let suffix = said.isEmpty ? "" : " (\(said))"
        switch response.status {
        case 401:
            return RegistryError(
                .unauthorized,
                "\(what): the registry wants credentials, or refused the ones given (401)\(suffix); log in with docker login, or pass --username and --password-stdin"
            )
        case 403:
            return RegistryError(
                .denied, "\(what): access denied (403)\(suffix); the credentials lack permission")
        case 429:
            return RegistryError(
                .tooManyRequests, "\(what): the registry kept answering 429 Too Many Requests")
        case 500...599:
            return RegistryError(
                .unavailable, "\(what): the registry answered \(response.status)\(suffix)")
        case 415:
            return RegistryError(.unsupported, "\(what): unsupported media type (415)\(suffix)")
        default:
            break
        }
        if codeNames.contains("NAME_UNKNOWN") {
            return RegistryError(.nameUnknown, "\(what): the repository does not exist\(suffix)")
        }
        if codeNames.contains("MANIFEST_UNKNOWN") {
            return RegistryError(.manifestUnknown, "\(what): no such manifest\(suffix)")
        }
        if codeNames.contains("BLOB_UNKNOWN") || codeNames.contains("MANIFEST_BLOB_UNKNOWN") {
            return RegistryError(.blobUnknown, "\(what): a blob is missing\(suffix)")
        }
        if codeNames.contains("DIGEST_INVALID") || codeNames.contains("SIZE_INVALID") {
            return RegistryError(
                .digestMismatch, "\(what): the registry says the content does not match\(suffix)")
        }
        if codeNames.contains("MANIFEST_INVALID") || codeNames.contains("UNSUPPORTED") {
            return RegistryError(.unsupported, "\(what): the registry refused it\(suffix)")
        }
        if response.status == 404 {
            return RegistryError(.manifestUnknown, "\(what): not found (404)\(suffix)")
        }
        return RegistryError(
            .protocolViolation, "\(what): unexpected answer \(response.status)\(suffix)")
    }
}
