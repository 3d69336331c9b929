/// What is wrong with a digest or reference written by a user.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidDigest(String, reason: String)
    case invalidReference(String, reason: String)

    public var description: String {
        switch self {
        case .invalidDigest(let text, let reason):
            return "invalid digest \"\(text)\": \(reason)"
        case .invalidReference(let text, let reason):
            return "invalid image reference \"\(text)\": \(reason)"
        }
    }
}
