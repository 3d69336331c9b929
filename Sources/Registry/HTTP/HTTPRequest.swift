public import Foundation

/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What a request sends after its header.
    public enum Body: Sendable, Equatable {
        /// No body. `PUT`, `POST` and `PATCH` still send `Content-Length: 0`.
        case none
        /// A body held in memory.
        case data(Data)
        /// A region of a file, read in small chunks while it is sent, so memory stays bounded.
        case file(FileRegion)
        /// Bytes read from a pipe as they are made; cannot be rewound, so a request that must
        /// be sent again fails instead.
        case stream(BodyStream)

        /// The number of bytes the body sends.
        public var length: Int64 {
            switch self {
            case .none: 0
            case .data(let data): Int64(data.count)
            case .file(let region): region.length
            case .stream(let stream): stream.length
            }
        }
    }

    /// A byte range of a file on disk: `length` bytes starting at `offset`.
    public struct FileRegion: Sendable, Hashable {
        /// The file's path.
        public var path: String
        /// The first byte to send.
        public var offset: Int64
        /// How many bytes to send.
        public var length: Int64

        /// Makes a file region.
        ///
        /// - Parameters:
        ///   - path: The file's path.
        ///   - offset: The first byte to send; not negative.
        ///   - length: How many bytes to send; not negative. The file must hold at least
        ///     `offset + length` bytes when the request is sent.
        public init(path: String, offset: Int64 = 0, length: Int64) {
            self.path = path
            self.offset = offset
            self.length = length
        }
    }

    /// The read end of a pipe and how many bytes will come through it. The request reads it; the
    /// writer closes its end when done. `@unchecked Sendable`: the descriptor is read by one
    /// transfer at a time.
    public final class BodyStream: @unchecked Sendable, Equatable {
        /// The pipe's read end; the stream does not close it.
        public let descriptor: Int32
        public let length: Int64

        public init(descriptor: Int32, length: Int64) {
            self.descriptor = descriptor
            self.length = length
        }

        public static func == (lhs: BodyStream, rhs: BodyStream) -> Bool { lhs === rhs }
    }

    /// The request method.
    public var method: HTTPMethod
    /// The absolute URL, `http://` or `https://`. It may carry `user:password@` credentials;
    /// they are never shown in errors or descriptions.
    public var url: String
    /// Header fields sent in order after the ones libcurl adds. A field with an empty value is
    /// sent as an empty header.
    public var headers: HTTPHeaders
    /// The request body.
    public var body: Body

    /// Makes a request.
    ///
    /// - Parameters:
    ///   - method: The request method; `GET` by default.
    ///   - url: The absolute URL.
    ///   - headers: Header fields to send.
    ///   - body: The body; none by default. `HEAD` requests cannot have one.
    public init(
        _ method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: Body = .none
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The method and the URL without credentials, query or fragment, for example
    /// `GET https://registry.example/v2/`.
    public var description: String {
        "\(method) \(RedactedURL(url).text)"
    }

    /// The description, then the header fields with credential values redacted, then the
    /// body's length.
    public var debugDescription: String {
        var lines = [description]
        if !headers.isEmpty { lines.append(headers.description) }
        lines.append("(body: \(body.length) bytes)")
        return lines.joined(separator: "\n")
    }

    /// Shows the redacted URL and headers to `dump` and debuggers, never the credentials.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": method, "url": RedactedURL(url).text, "headers": headers.description,
                "bodyLength": body.length,
            ])
    }
}
