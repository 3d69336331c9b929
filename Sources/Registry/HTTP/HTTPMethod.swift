/// The HTTP methods the registry transport sends.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case get = "GET"
    case head = "HEAD"
    case put = "PUT"
    case post = "POST"
    case patch = "PATCH"
    case delete = "DELETE"

    /// The method as it appears on the request line, for example `GET`.
    public var description: String { rawValue }
}
