public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for tests, written on POSIX sockets.
///
/// It listens on an ephemeral port, serves each connection on its own thread with keep-alive,
/// and reads `Content-Length` and chunked request bodies. Without a canned route it is a small
/// object store: `PUT` stores the body at the path (query ignored), `GET` and `HEAD` return it
/// (404 when absent), `DELETE` removes it; other methods get 405. It counts accepted
/// connections and records every request. ``stop()`` (or deinit) closes every socket and waits
/// for every thread to end.
public final class LoopbackHTTPServer: Sendable {
    /// A header field as the server received or sends it.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A response a route returns instead of the object store's.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header fields, sent in order; `Content-Length` is added from the body.
        public var headers: [Header]
        /// The body; not sent for `HEAD`.
        public var body: Data
        /// How long the server waits before it answers, to test timeouts. ``stop()`` cuts the
        /// wait short.
        public var delay: Duration

        /// Makes a canned response.
        public init(
            status: Int, headers: [Header] = [], body: Data = Data(), delay: Duration = .zero
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    /// What the server saw of one request.
    public struct RecordedRequest: Sendable {
        /// The method, for example `PUT`.
        public var method: String
        /// The request target, query included, for example `/v2/?x=1`.
        public var path: String
        /// The header fields in order.
        public var headers: [Header]
        /// How many body bytes arrived (after chunked decoding).
        public var bodySize: Int
        /// The accepted-connection number (1 for the first) the request arrived on.
        public var connection: Int

        /// The first value of the header `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The port the server listens on.
    public let port: UInt16
    private let core: Core

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening on 127.0.0.1 on an ephemeral port.
    ///
    /// - Throws: ``LoopbackHTTPServerError`` when a socket call fails.
    public init() throws {
        let listener = try Self.listen()
        let descriptor = listener.descriptor
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let error = LoopbackHTTPServerError(call: "pipe")
            close(descriptor)
            throw error
        }
        port = listener.port
        core = Core(listener: descriptor, wakeRead: wake[0], wakeWrite: wake[1])
        let core = core
        core.threads.enter()
        Thread { core.acceptLoop() }.start()
    }

    deinit {
        stop()
    }

    /// Answers requests for `path` (the target without its query) with `response`; for one
    /// method, or any method when `method` is nil. A later route for the same key replaces it.
    public func setRoute(_ path: String, method: String? = nil, response: Response) {
        core.locked { $0.routes[RouteKey(method: method, path: path)] = response }
    }

    /// Stores `data` as the object at `path`, as a `PUT` would.
    public func setObject(_ data: Data, at path: String) {
        core.locked { $0.objects[path] = data }
    }

    /// The object stored at `path`, or nil.
    public func object(at path: String) -> Data? {
        core.locked { $0.objects[path] }
    }

    /// How many connections the server has accepted.
    public var acceptedConnections: Int {
        core.locked { $0.acceptedConnections }
    }

    /// Every request received so far, in order of arrival.
    public var requests: [RecordedRequest] {
        core.locked { $0.requests }
    }

    /// Closes the listener and every connection and waits for all server threads to end.
    /// Calling it again does nothing.
    public func stop() {
        core.stop()
    }

    private static func listen() throws -> (descriptor: Int32, port: UInt16) {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw LoopbackHTTPServerError(call: "socket") }
        do {
            var yes: Int32 = 1
            let size = socklen_t(MemoryLayout<Int32>.size)
            guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, size) == 0 else {
                throw LoopbackHTTPServerError(call: "setsockopt")
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length)
                }
            }
            guard bound == 0 else { throw LoopbackHTTPServerError(call: "bind") }
            guard posixListen(descriptor) == 0 else {
                throw LoopbackHTTPServerError(call: "listen")
            }
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getsockname(descriptor, $0, &length)
                }
            }
            guard named == 0 else { throw LoopbackHTTPServerError(call: "getsockname") }
            return (descriptor, UInt16(bigEndian: address.sin_port))
        } catch {
            close(descriptor)
            throw error
        }
    }
}

/// A socket call of ``LoopbackHTTPServer`` failed.
public struct LoopbackHTTPServerError: Error, CustomStringConvertible {
    /// The call that failed, for example `bind`.
    public let call: String
    /// `errno` after the call.
    public let code: Int32

    init(call: String) {
        self.call = call
        code = errno
    }

    public var description: String {
        "loopback server: \(call) failed: \(String(cString: strerror(code)))"
    }
}

/// `listen` is shadowed inside the server by its static method; this reaches the C function.
private func posixListen(_ descriptor: Int32) -> Int32 {
    listen(descriptor, 64)
}

private struct RouteKey: Hashable {
    var method: String?
    var path: String
}

private struct State {
    var objects: [String: Data] = [:]
    var routes: [RouteKey: LoopbackHTTPServer.Response] = [:]
    var acceptedConnections = 0
    var requests: [LoopbackHTTPServer.RecordedRequest] = []
    var stopped = false
}

/// The part of the server its threads share.
///
/// `@unchecked Sendable`: the mutable `state` is only touched while `lock` is held; the file
/// descriptors are set once in init and closed only in `stop()`, after every thread that uses
/// them has ended (`threads.wait()`).
private final class Core: @unchecked Sendable {
    let listener: Int32
    let wakeRead: Int32
    let wakeWrite: Int32
    /// Entered for the accept thread and for each connection thread; each leaves as it ends.
    let threads = DispatchGroup()
    private let lock = NSLock()
    private var state = State()

    init(listener: Int32, wakeRead: Int32, wakeWrite: Int32) {
        self.listener = listener
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    func locked<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    func stop() {
        let first = locked { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        // The pipe is never read, so it stays readable and wakes every poll from now on.
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        threads.wait()
        close(listener)
        close(wakeRead)
        close(wakeWrite)
    }

    /// Sleeps for `duration` or until the server stops; false when it stopped.
    func sleep(_ duration: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        var wake = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        while clock.now < deadline {
            let left = deadline - clock.now
            let milliseconds =
                left.components.seconds * 1000
                + left.components.attoseconds / 1_000_000_000_000_000 + 1
            let ready = poll(&wake, 1, Int32(clamping: milliseconds))
            if ready > 0 { return false }
        }
        return true
    }

    /// Waits until `descriptor` has `events` or the server stops; false when it stopped.
    func wait(for descriptor: Int32, _ events: Int16) -> Bool {
        var fds = [
            pollfd(fd: descriptor, events: events, revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0, fds[1].revents == 0 else { return false }
            return true
        }
    }

    func acceptLoop() {
        defer { threads.leave() }
        while wait(for: listener, Int16(POLLIN)) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED || errno == EAGAIN { continue }
                return
            }
            #if canImport(Darwin)
                var yes: Int32 = 1
                setsockopt(
                    client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let number = locked { state in
                state.acceptedConnections += 1
                return state.acceptedConnections
            }
            threads.enter()
            Thread { [self] in
                defer { threads.leave() }
                var connection = Connection(descriptor: client, number: number, core: self)
                connection.serve()
                close(client)
            }.start()
        }
    }

    /// The response to a request: a canned route, or the object store.
    func respond(to request: LoopbackHTTPServer.RecordedRequest, body: Data)
        -> LoopbackHTTPServer.Response
    {
        let path = String(request.path.prefix { $0 != "?" })
        return locked { state in
            state.requests.append(request)
            if let route = state.routes[RouteKey(method: request.method, path: path)]
                ?? state.routes[RouteKey(method: nil, path: path)]
            {
                return route
            }
            let octets = [LoopbackHTTPServer.Header("Content-Type", "application/octet-stream")]
            switch request.method {
            case "GET", "HEAD":
                guard let object = state.objects[path] else {
                    return .init(status: 404, body: Data("not found\n".utf8))
                }
                return .init(status: 200, headers: octets, body: object)
            case "PUT":
                state.objects[path] = body
                return .init(status: 201, headers: [.init("Location", path)])
            case "DELETE":
                guard state.objects.removeValue(forKey: path) != nil else {
                    return .init(status: 404, body: Data("not found\n".utf8))
                }
                return .init(status: 202)
            default:
                return .init(status: 405, body: Data("method not allowed\n".utf8))
            }
        }
    }
}

/// Why a connection stops being served.
private enum ConnectionEnd: Error {
    /// The peer closed, a socket call failed, or the server stopped.
    case closed
    /// The request could not be parsed; answer 400 and close.
    case malformed
}

/// One client connection: reads requests, answers them, until either side closes.
private struct Connection {
    let descriptor: Int32
    let number: Int
    let core: Core
    private var buffer: [UInt8] = []
    private var start = 0

    init(descriptor: Int32, number: Int, core: Core) {
        self.descriptor = descriptor
        self.number = number
        self.core = core
    }

    mutating func serve() {
        while true {
            do {
                guard try serveOne() else { return }
            } catch ConnectionEnd.malformed {
                let text =
                    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = try? send(Array(text.utf8))
                return
            } catch {
                return
            }
        }
    }

    /// Serves one request; returns whether to keep the connection open for another.
    private mutating func serveOne() throws -> Bool {
        guard let requestLine = try line(allowEndOfStream: true) else { return false }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            throw ConnectionEnd.malformed
        }
        let method = String(parts[0])
        let target = String(parts[1])
        let version = String(parts[2])

        var headers: [LoopbackHTTPServer.Header] = []
        while let field = try line(), !field.isEmpty {
            guard let colon = field.firstIndex(of: ":") else { throw ConnectionEnd.malformed }
            headers.append(
                .init(
                    String(field[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(field[field.index(after: colon)...])
                        .trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        if header("Expect")?.lowercased() == "100-continue" {
            try send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let body: Data
        if header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            body = try chunkedBody()
        } else if let lengthText = header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else { throw ConnectionEnd.malformed }
            body = try bytes(length)
        } else {
            body = Data()
        }

        let request = LoopbackHTTPServer.RecordedRequest(
            method: method, path: target, headers: headers, bodySize: body.count,
            connection: number)
        let response = core.respond(to: request, body: body)
        if response.delay > .zero {
            guard core.sleep(response.delay) else { throw ConnectionEnd.closed }
        }

        let connectionHeader = header("Connection")?.lowercased()
        let keepAlive =
            version == "HTTP/1.0" ? connectionHeader == "keep-alive" : connectionHeader != "close"
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for field in response.headers where field.name.lowercased() != "content-length" {
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "Content-Length: \(response.body.count)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        var out = Array(head.utf8)
        if method != "HEAD" { out += response.body }
        try send(out)
        return keepAlive
    }

    private mutating func chunkedBody() throws -> Data {
        var body = Data()
        while true {
            guard let sizeLine = try line() else { throw ConnectionEnd.malformed }
            let sizeText = sizeLine.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw ConnectionEnd.malformed
            }
            if size == 0 {
                while let trailer = try line(), !trailer.isEmpty {}
                return body
            }
            body += try bytes(size)
            guard try line() == "" else { throw ConnectionEnd.malformed }
        }
    }

    /// The next line without its CRLF; nil at a clean end of stream when allowed.
    private mutating func line(allowEndOfStream: Bool = false) throws -> String? {
        // How far past `start` there is surely no newline; `fill()` may move `start`.
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return text
            }
            scanned = buffer.count - start
            guard buffer.count - start < 64 * 1024 else { throw ConnectionEnd.malformed }
            guard try fill() else {
                if allowEndOfStream && start == buffer.count { return nil }
                throw ConnectionEnd.closed
            }
        }
    }

    /// Exactly `count` bytes.
    private mutating func bytes(_ count: Int) throws -> Data {
        var data = Data()
        data.reserveCapacity(count)
        while data.count < count {
            if start == buffer.count {
                guard try fill() else { throw ConnectionEnd.closed }
            }
            let take = min(count - data.count, buffer.count - start)
            data.append(contentsOf: buffer[start..<start + take])
            start += take
        }
        return data
    }

    /// Reads more bytes into the buffer; false at end of stream.
    private mutating func fill() throws -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        guard core.wait(for: descriptor, Int16(POLLIN)) else { throw ConnectionEnd.closed }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, 0)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ConnectionEnd.closed }
            buffer += chunk[0..<count]
            return count > 0
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            guard core.wait(for: descriptor, Int16(POLLOUT)) else { throw ConnectionEnd.closed }
            let count = bytes.withUnsafeBytes {
                posixSend(descriptor, $0.baseAddress.map { $0 + sent }, bytes.count - sent, flags)
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { throw ConnectionEnd.closed }
            sent += count
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 416: "Range Not Satisfiable"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}

/// `send` is shadowed inside `Connection` by its method; this reaches the C function.
private func posixSend(
    _ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32
) -> Int {
    send(descriptor, bytes, count, flags)
}
