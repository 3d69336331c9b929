import Builder
public import Foundation
public import ShipModel

/// One repository of a registry, and the distribution API's verbs on it.
public struct RemoteRepository: Sendable {
    public let session: RegistrySession
    /// The repository path, e.g. `ml/sentiment`.
    public let name: String

    public init(session: RegistrySession, name: String) {
        self.session = session
        self.name = name
    }

    /// `host/repo`, for messages.
    public var display: String { "\(session.endpoint.host)/\(name)" }

    private var pull: [Scope] { [.pull(name)] }
    private var push: [Scope] { [.push(name)] }

    /// The media types a manifest `GET` accepts.
    public static let manifestTypes: [MediaType] = [
        .imageManifest, .imageIndex, .dockerManifest, .dockerManifestList,
    ]

    // MARK: - API check

    /// `GET /v2/`: whether the registry speaks the distribution API. Learns how it wants to be
    /// authenticated (and gets the token) once, before parallel transfers start.
    public func checkAPI(forPush: Bool = false) throws {
        let response = try session.send(
            HTTPRequest(.get, url: session.endpoint.base), scopes: forPush ? push : pull,
            what: "checking \(session.endpoint.host)")
        guard response.isSuccess else {
            throw RegistryError.from(response, "checking \(session.endpoint.host)")
        }
    }

    // MARK: - Blobs

    /// `HEAD` a blob: its size when the repository has it, nil when it does not.
    public func blobSize(_ digest: Digest, forPush: Bool = false) throws -> Int64? {
        let what = "checking blob \(digest) in \(display)"
        let response = try session.send(
            HTTPRequest(.head, url: session.endpoint.url(name, "blobs/\(digest)")),
            scopes: forPush ? push : pull, what: what)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw RegistryError.from(response, what) }
        return response.headers["Content-Length"].flatMap { Int64($0) } ?? -1
    }

    /// Asks the registry to mount a blob from another repository of the same registry.
    /// Returns true when it did (201); false when it started an upload instead, which is then
    /// left to expire (some registries refuse a mount and start an upload).
    public func mount(_ digest: Digest, from source: String) throws -> Bool {
        let what = "mounting blob \(digest) from \(source) into \(display)"
        let query = "?mount=\(digest)&from=\(RegistrySession.formEncode(source))"
        let response = try session.send(
            HTTPRequest(.post, url: session.endpoint.url(name, "blobs/uploads/") + query),
            scopes: push + [.pull(source)], what: what)
        switch response.status {
        case 201: return true
        case 202: return false
        case 404, 401, 403: return false
        default: throw RegistryError.from(response, what)
        }
    }

    /// What an upload reads its bytes from.
    public enum BlobSource: Sendable {
        /// A region of a file, re-readable from any offset.
        case file(HTTPRequest.FileRegion)
        /// Bytes in memory.
        case data(Data)
        /// Bytes made on the fly by a producer, each time the upload (re)starts.
        case stream(
            @Sendable (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void)

        func region(offset: Int64, length: Int64) -> HTTPRequest.Body {
            switch self {
            case .stream:
                preconditionFailure("a stream is sent by uploadStream")
            case .file(let region):
                return .file(
                    .init(path: region.path, offset: region.offset + offset, length: length))
            case .data(let data):
                let start = data.startIndex + Int(offset)
                return .data(data[start..<start + Int(length)])
            }
        }
    }

    /// Uploads a blob: one `PUT` for a small one, `PATCH` chunks for a large one, resuming a
    /// chunked upload from the offset the registry reports after a failure.
    ///
    /// - Parameters:
    ///   - digest: The blob's digest; the registry checks it.
    ///   - size: Its size.
    ///   - source: Where its bytes are.
    ///   - progress: Called with the number of bytes newly accepted.
    public func upload(
        _ digest: Digest, size: Int64, from source: BlobSource,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws {
        let what = "pushing blob \(digest) to \(display)"
        var failures = 0
        while true {
            do {
                try uploadOnce(digest, size: size, source: source, what: what, progress: progress)
                return
            } catch let error as UploadRestart {
                failures += 1
                guard failures < session.retry.attempts else { throw error.underlying }
                session.retry.pause(afterAttempt: failures - 1)
            }
        }
    }

    /// A failure after which the whole upload starts again from `POST`.
    struct UploadRestart: Error {
        let underlying: RegistryError
    }

    func startUpload(_ what: String) throws -> (location: String, minimum: Int64?) {
        let response = try session.send(
            HTTPRequest(.post, url: session.endpoint.url(name, "blobs/uploads/")), scopes: push,
            what: what)
        guard response.status == 202, let location = response.headers["Location"] else {
            throw RegistryError.from(response, what)
        }
        let minimum = response.headers["OCI-Chunk-Min-Length"].flatMap { Int64($0) }
        return (session.endpoint.absolute(location), minimum)
    }

    private func uploadOnce(
        _ digest: Digest, size: Int64, source: BlobSource, what: String,
        progress: (@Sendable (Int64) -> Void)?
    ) throws {
        var (location, minimum) = try startUpload(what)
        let quirks = session.quirks
        if case .stream(let produce) = source {
            try uploadStream(
                digest, size: size, produce: produce, location: location,
                chunk: quirks.isMonolithic(size) ? size : quirks.chunkSize(minimum: minimum),
                what: what)
            progress?(size)
            return
        }
        if quirks.isMonolithic(size) {
            let response: HTTPResponse
            do {
                response = try put(
                    location, digest, body: source.region(offset: 0, length: size),
                    replay: .returnFailure, what: what)
            } catch let error as RegistryError where error.kind == .unavailable {
                // The connection broke mid-body: a monolithic upload starts again.
                throw UploadRestart(underlying: error)
            }
            try finish(response, digest, what)
            progress?(size)
            return
        }
        let chunk = quirks.chunkSize(minimum: minimum)
        var offset: Int64 = 0
        var failures = 0
        while offset < size {
            let length = min(chunk, size - offset)
            let response: HTTPResponse
            do {
                response = try patch(
                    location, offset: offset,
                    body: source.region(offset: offset, length: length), what: what)
            } catch let error as RegistryError where error.kind == .unavailable {
                failures += 1
                guard failures < session.retry.attempts else { throw error }
                session.retry.pause(afterAttempt: failures - 1)
                (location, offset) = try uploadStatus(location, what)
                continue
            }
            if quirks.patchAccepted(response.status) {
                let next =
                    Self.rangeEnd(response.headers["Range"]).map { $0 + 1 } ?? offset + length
                progress?(next - offset)
                offset = next
                if let moved = response.headers["Location"] {
                    location = session.endpoint.absolute(moved)
                }
                failures = 0
                continue
            }
            if response.status == 416 || RetryPolicy.isRetryable(status: response.status) {
                failures += 1
                guard failures < session.retry.attempts else {
                    throw RegistryError.from(response, what)
                }
                session.retry.pause(
                    afterAttempt: failures - 1, retryAfter: response.headers["Retry-After"])
                (location, offset) = try uploadStatus(location, what)
                continue
            }
            throw RegistryError.from(response, what)
        }
        try finish(try put(location, digest, what: what), digest, what)
    }

    /// Sends a stream: in one `PUT`, or in `PATCH` chunks read one after another from the same
    /// pipe (a stream cannot resume, so a failure starts the upload again).
    private func uploadStream(
        _ digest: Digest, size: Int64,
        produce: @escaping @Sendable ((UnsafeRawBufferPointer) throws -> Void) throws -> Void,
        location start: String, chunk: Int64, what: String
    ) throws {
        let producer = try PipeProducer(produce)
        var location = start
        var offset: Int64 = 0
        var response: HTTPResponse
        do {
            repeat {
                let length = min(chunk, size - offset)
                let body = HTTPRequest.Body.stream(
                    .init(descriptor: producer.readEnd, length: length))
                let last = offset + length == size
                if last && offset == 0 {
                    response = try put(
                        location, digest, body: body, replay: .returnFailure, what: what)
                    break
                }
                response = try patch(location, offset: offset, body: body, what: what)
                guard response.status == 202 || response.status == 201 else { break }
                location = response.headers["Location"].map(session.endpoint.absolute) ?? location
                offset += length
                if offset == size {
                    response = try put(location, digest, what: what)
                    break
                }
            } while true
        } catch let error as RegistryError {
            if let failure = producer.finish(), !(failure is PipeProducer.PipeClosed) {
                throw failure
            }
            throw UploadRestart(underlying: error)
        }
        if let failure = producer.finish(), !(failure is PipeProducer.PipeClosed) {
            throw failure
        }
        try finish(response, digest, what)
    }

    /// Asks an upload how much the registry has (`GET` its location: `Range: 0-N`).
    private func uploadStatus(_ location: String, _ what: String) throws -> (String, Int64) {
        let response: HTTPResponse
        do {
            response = try session.send(
                HTTPRequest(.get, url: location), scopes: push, what: what)
        } catch let error as RegistryError {
            throw UploadRestart(underlying: error)
        }
        guard response.status == 204 || response.status == 202 else {
            // The upload is gone (expired, or the registry restarted without it): start over.
            throw UploadRestart(underlying: RegistryError.from(response, what))
        }
        let offset = Self.rangeEnd(response.headers["Range"]).map { $0 + 1 } ?? 0
        let moved = response.headers["Location"].map(session.endpoint.absolute) ?? location
        return (moved, offset)
    }

    /// The `PUT` that ends an upload, with the last bytes or none.
    func put(
        _ location: String, _ digest: Digest, body: HTTPRequest.Body = .none,
        replay: RegistrySession.Replay = .retry, what: String
    ) throws -> HTTPResponse {
        try session.send(
            HTTPRequest(
                .put, url: Self.appending(location, "digest=\(digest)"),
                headers: ["Content-Type": "application/octet-stream"], body: body),
            scopes: push, what: what, replay: replay)
    }

    /// One chunk: `PATCH` with its `Content-Range`. Never replayed here: a broken chunk is
    /// resumed from the offset the registry reports.
    func patch(_ location: String, offset: Int64, body: HTTPRequest.Body, what: String)
        throws -> HTTPResponse
    {
        try session.send(
            HTTPRequest(
                .patch, url: location,
                headers: [
                    "Content-Type": "application/octet-stream",
                    "Content-Range": "\(offset)-\(offset + body.length - 1)",
                ], body: body),
            scopes: push, what: what, replay: .returnFailure)
    }

    func finish(_ response: HTTPResponse, _ digest: Digest, _ what: String) throws {
        if response.status == 201 || response.status == 204 {
            if let said = response.headers["Docker-Content-Digest"], said != digest.description {
                throw RegistryError(
                    .digestMismatch, "\(what): the registry stored it as \(said)")
            }
            return
        }
        let error = RegistryError.from(response, what)
        if RetryPolicy.isRetryable(status: response.status) || response.status == 404 {
            throw UploadRestart(underlying: error)
        }
        throw error
    }

    /// `0-1023` → 1023; `bytes=0-1023` too.
    static func rangeEnd(_ header: String?) -> Int64? {
        guard var text = header else { return nil }
        if text.hasPrefix("bytes=") { text.removeFirst(6) }
        guard let dash = text.firstIndex(of: "-") else { return nil }
        return Int64(text[text.index(after: dash)...])
    }

    static func appending(_ url: String, _ query: String) -> String {
        url + (url.contains("?") ? "&" : "?") + query
    }

    /// Downloads a blob, streaming it to `sink`; `restart` is called before each attempt so
    /// the caller can drop a partial copy. Stops a registry that sends more than `size` bytes.
    public func download(
        _ digest: Digest, size: Int64, restart: @escaping () throws -> Void,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let what = "pulling blob \(digest) from \(display)"
        var received: Int64 = 0
        let response = try session.send(
            HTTPRequest(.get, url: session.endpoint.url(name, "blobs/\(digest)")), scopes: pull,
            what: what,
            restart: {
                received = 0
                try restart()
            },
            sink: { bytes in
                received += Int64(bytes.count)
                guard received <= size else {
                    throw RegistryError(
                        .digestMismatch, "\(what): the registry sent more than its \(size) bytes")
                }
                try sink(bytes)
            })
        guard response.isSuccess else {
            if response.status == 404 {
                throw RegistryError(.blobUnknown, "\(what): the registry does not have it")
            }
            throw RegistryError.from(response, what)
        }
        guard received == size else {
            throw RegistryError(
                .digestMismatch, "\(what): the registry sent \(received) bytes, expected \(size)")
        }
    }

    // MARK: - Manifests

    /// A manifest as the registry holds it.
    public struct FetchedManifest: Sendable {
        public var data: Data
        public var mediaType: MediaType
        public var digest: Digest

        public var descriptor: Descriptor {
            Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
        }
    }

    /// Manifests larger than this are refused, as the distribution spec allows.
    public static let manifestLimit = 4 << 20

    /// `GET` a manifest by tag or digest, verifying it against the digest asked for (or the
    /// one the registry says).
    public func manifest(_ reference: String) throws -> FetchedManifest {
        let what = "pulling manifest \(display):\(reference)"
        let response = try session.send(
            HTTPRequest(
                .get, url: session.endpoint.url(name, "manifests/\(reference)"),
                headers: ["Accept": Self.manifestTypes.map(\.rawValue).joined(separator: ", ")]),
            scopes: pull, what: what)
        guard response.isSuccess else {
            if response.status == 404 {
                let codes = Set(RegistryError.errorCodes(response.body).map(\.code))
                if codes.contains("NAME_UNKNOWN") {
                    throw RegistryError(.nameUnknown, "\(display): no such repository")
                }
                throw RegistryError(
                    .manifestUnknown, "\(display) has no manifest \(reference)")
            }
            throw RegistryError.from(response, what)
        }
        guard response.body.count <= Self.manifestLimit else {
            throw RegistryError(.protocolViolation, "\(what): larger than 4 MiB")
        }
        let digest = Digest(sha256: SHA256Hasher.hash(response.body))
        if let asked = try? Digest(reference), asked != digest {
            throw RegistryError(
                .digestMismatch, "\(what): the content is \(digest), not the digest asked for")
        }
        if let said = response.headers["Docker-Content-Digest"], said.hasPrefix("sha256:"),
            said != digest.description
        {
            throw RegistryError(
                .digestMismatch, "\(what): the content is \(digest), the registry says \(said)")
        }
        let type = response.headers["Content-Type"].map {
            MediaType(String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces))
        }
        let mediaType = Self.sniff(response.body) ?? type ?? .imageManifest
        return FetchedManifest(data: response.body, mediaType: mediaType, digest: digest)
    }

    /// `HEAD` a manifest: its descriptor, or nil when there is none.
    public func manifestDescriptor(_ reference: String) throws -> Descriptor? {
        let what = "checking manifest \(display):\(reference)"
        let response = try session.send(
            HTTPRequest(
                .head, url: session.endpoint.url(name, "manifests/\(reference)"),
                headers: ["Accept": Self.manifestTypes.map(\.rawValue).joined(separator: ", ")]),
            scopes: pull, what: what)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw RegistryError.from(response, what) }
        guard let digestText = response.headers["Docker-Content-Digest"],
            let digest = try? Digest(digestText),
            let size = response.headers["Content-Length"].flatMap({ Int64($0) })
        else { return nil }
        let type = response.headers["Content-Type"].map { MediaType($0) } ?? .imageManifest
        return Descriptor(mediaType: type, digest: digest, size: size)
    }

    /// The `mediaType` a manifest names itself.
    static func sniff(_ data: Data) -> MediaType? {
        struct Head: Decodable { var mediaType: MediaType? }
        return (try? JSONDecoder().decode(Head.self, from: data))?.mediaType
    }

    /// `PUT` a manifest under a tag or its digest. Returns the tags the registry set in the
    /// same request (through `?tag=`, when it answers `OCI-Tag`).
    @discardableResult
    public func putManifest(
        _ data: Data, mediaType: MediaType, reference: String, extraTags: [String] = []
    ) throws -> [String] {
        let what = "pushing manifest \(display):\(reference)"
        var url = session.endpoint.url(name, "manifests/\(reference)")
        if !extraTags.isEmpty {
            url +=
                "?"
                + extraTags.map { "tag=\(RegistrySession.formEncode($0))" }.joined(
                    separator: "&")
        }
        let response = try session.send(
            HTTPRequest(
                .put, url: url, headers: ["Content-Type": mediaType.rawValue], body: .data(data)),
            scopes: push, what: what)
        guard response.status == 201 || response.status == 200 || response.status == 202 else {
            throw RegistryError.from(response, what)
        }
        let digest = Digest(sha256: SHA256Hasher.hash(data))
        if let said = response.headers["Docker-Content-Digest"], said.hasPrefix("sha256:"),
            said != digest.description
        {
            throw RegistryError(.digestMismatch, "\(what): the registry stored it as \(said)")
        }
        return response.headers.values(for: "OCI-Tag").flatMap {
            $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// `PUT` a manifest with a `subject`; true when the registry confirmed it processed the
    /// subject (`OCI-Subject`), so no fallback tag is needed.
    func putManifestReportingSubject(_ data: Data, mediaType: MediaType, reference: String)
        throws -> Bool
    {
        let what = "pushing manifest \(display)@\(reference)"
        let response = try session.send(
            HTTPRequest(
                .put, url: session.endpoint.url(name, "manifests/\(reference)"),
                headers: ["Content-Type": mediaType.rawValue], body: .data(data)),
            scopes: push, what: what)
        guard response.status == 201 || response.status == 200 else {
            throw RegistryError.from(response, what)
        }
        return response.headers["OCI-Subject"] != nil
    }

    // MARK: - Tags and referrers

    /// Every tag, following `Link` pagination.
    public func tags(pageSize: Int = 1000) throws -> [String] {
        let what = "listing tags of \(display)"
        var url: String? = session.endpoint.url(name, "tags/list?n=\(pageSize)")
        var all: [String] = []
        var pages = 0
        while let next = url {
            pages += 1
            guard pages <= 10_000 else {
                throw RegistryError(.protocolViolation, "\(what): the pages never end")
            }
            let response = try session.send(HTTPRequest(.get, url: next), scopes: pull, what: what)
            guard response.isSuccess else {
                if response.status == 404 {
                    throw RegistryError(.nameUnknown, "\(display): no such repository")
                }
                throw RegistryError.from(response, what)
            }
            struct Page: Decodable { var tags: [String]? }
            guard let page = try? JSONDecoder().decode(Page.self, from: response.body) else {
                throw RegistryError(.protocolViolation, "\(what): the answer is not a tag list")
            }
            all += page.tags ?? []
            url = Self.nextLink(response.headers["Link"]).map(session.endpoint.absolute)
        }
        return all
    }

    /// `<url>; rel="next"` → url.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else {
                continue
            }
            if pieces.dropFirst().contains(where: {
                $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\""
                    || $0.replacingOccurrences(of: " ", with: "") == "rel=next"
            }) {
                return String(target.dropFirst().dropLast())
            }
        }
        return nil
    }
}
