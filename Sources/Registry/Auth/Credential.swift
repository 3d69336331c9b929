/// What a registry is logged in with. Its description never shows the secret.
public enum Credential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A user name and password (or a personal access token used as one).
    case basic(username: String, password: String)
    /// An OAuth2 refresh token a credential helper or `docker login` stored
    /// (`identitytoken`), exchanged at the token endpoint.
    case identityToken(String)

    public var description: String {
        switch self {
        case .basic(let username, _): "user \(username)"
        case .identityToken: "an identity token"
        }
    }

    public var debugDescription: String { description }

    /// Every secret string, so messages can be scrubbed of them.
    var secrets: [String] {
        switch self {
        case .basic(_, let password): [password]
        case .identityToken(let token): [token]
        }
    }
}

/// Finds the credential for a registry host.
public protocol CredentialSource: Sendable {
    /// The credential for `host`, or nil to go anonymous.
    /// - Throws: ``RegistryError`` when a configured source is broken (a credential helper
    ///   that fails, a config file that does not parse).
    func credential(for host: String) throws -> Credential?
}

/// One credential for every host (from `--username`/`--password-stdin` or the environment).
public struct StaticCredentials: CredentialSource {
    public let value: Credential?
    public init(_ value: Credential?) { self.value = value }
    public func credential(for host: String) throws -> Credential? { value }
}

/// Tries sources in order and takes the first credential found.
public struct CredentialChain: CredentialSource {
    public let sources: [any CredentialSource]
    public init(_ sources: [any CredentialSource]) { self.sources = sources }
    public func credential(for host: String) throws -> Credential? {
        for source in sources {
            if let found = try source.credential(for: host) { return found }
        }
        return nil
    }
}
