public import Foundation

/// The final response to an ``HTTPRequest``: after redirects when they are followed, never an
/// interim `100 Continue`.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code, for example 200 or 404.
    public var status: Int
    /// The header fields of the final response, with repeated names kept.
    public var headers: HTTPHeaders
    /// The body. Empty for `HEAD`; for a streamed request it holds only the body of a response
    /// that was not delivered to the sink (see ``HTTPClient/send(_:bodySink:)``).
    public var body: Data

    /// Makes a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
