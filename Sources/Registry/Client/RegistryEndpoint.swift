public import ShipModel

/// Where a registry answers and how to reach it: the host a reference names, mapped to the host
/// that serves the API (`docker.io` is served by `registry-1.docker.io`), and the scheme.
public struct RegistryEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host as the user wrote it, with its port; credentials are looked up under it.
    public let host: String
    /// `https`, or `http` when the user asked for plain HTTP for this host.
    public let scheme: String

    /// Makes an endpoint.
    ///
    /// - Parameters:
    ///   - host: The registry host, with its port if it has one.
    ///   - plainHTTP: Talk HTTP instead of HTTPS (a loopback registry, say).
    public init(host: String, plainHTTP: Bool = false) {
        self.host = host
        self.scheme = plainHTTP ? "http" : "https"
    }

    /// The host the API is served from.
    public var apiHost: String {
        host == "docker.io" || host == "index.docker.io" ? "registry-1.docker.io" : host
    }

    /// `SCHEME://HOST/v2/`.
    public var base: String { "\(scheme)://\(apiHost)/v2/" }

    /// A URL under `/v2/` of a repository: `base + repository + "/" + path`.
    public func url(_ repository: String, _ path: String) -> String {
        "\(base)\(repository)/\(path)"
    }

    /// Makes an absolute URL of a `Location` header, which may be relative to the host.
    public func absolute(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        if location.hasPrefix("/") { return "\(scheme)://\(apiHost)\(location)" }
        return "\(base)\(location)"
    }

    public var description: String { "\(scheme)://\(host)" }
}

/// What a token is asked for: `repository:NAME:ACTIONS`.
public struct Scope: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var repository: String
    public var actions: [String]

    public static func pull(_ repository: String) -> Scope {
        Scope(repository: repository, actions: ["pull"])
    }

    public static func push(_ repository: String) -> Scope {
        Scope(repository: repository, actions: ["pull", "push"])
    }

    public var description: String {
        "repository:\(repository):\(actions.joined(separator: ","))"
    }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.description < rhs.description }
}

extension RegistryReference {
    /// The tag or digest a manifest is addressed by: the digest when there is one, else the tag,
    /// else `latest`.
    public var manifestReference: String {
        digest?.description ?? tag ?? "latest"
    }
}
