public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 proxy on loopback in front of a real registry that injects faults: for each
/// request a rule decides to pass it on, answer with a status of its own (500, 429 with
/// `Retry-After`, ...), or drop the connection (before the body, or halfway through it).
/// Passed requests go upstream on a fresh connection each, with `Connection: close`.
public final class FaultProxy: @unchecked Sendable {
    /// What to do with one request.
    public enum Fault: Sendable {
        case pass
        /// Answer with this status and headers; the body is read and dropped.
        case answer(Int, [(String, String)])
        /// Close the connection once the head is read.
        case drop
        /// Read half the body, then close the connection.
        case dropMidBody
        /// Run the action, then pass the request on.
        case passAfter(@Sendable () -> Void)
    }

    /// One request as the rule sees it.
    public struct Request: Sendable {
        public var method: String
        public var target: String
        /// 1 for the first request the proxy received.
        public var number: Int
    }

    public let port: UInt16
    private let upstreamPort: UInt16
    private let rule: @Sendable (Request) -> Fault
    private let listener: Int32
    private let lock = NSLock()
    private var count = 0
    private var stopped = false
    private var log: [String] = []

    /// `127.0.0.1:PORT`.
    public var address: String { "127.0.0.1:\(port)" }

    /// What happened to each request: `METHOD target -> fault`.
    public var events: [String] { lock.withLock { log } }

    /// Starts the proxy in front of `upstream` (`127.0.0.1:PORT`).
    public init(upstream: String, rule: @escaping @Sendable (Request) -> Fault) throws {
        guard let portText = upstream.split(separator: ":").last, let port = UInt16(portText)
        else { throw RegistryServerError("upstream \(upstream) is not 127.0.0.1:PORT") }
        upstreamPort = port
        self.rule = rule
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RegistryServerError("socket failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw RegistryServerError("bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        listener = fd
        // The accepting thread holds the proxy weakly: when the test lets go of it, deinit
        // closes the socket and the thread ends. (Held strongly, the proxy, its rule and
        // whatever the rule captures, such as a RegistryServer, would live until the test
        // process exits, and the registry's process after it.)
        Thread { [weak self, fd] in Self.acceptLoop(fd) { self } }.start()
    }

    deinit { stop() }

    /// Stops accepting connections.
    public func stop() {
        let wasStopped = lock.withLock {
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func acceptLoop(_ listener: Int32, proxy: () -> FaultProxy?) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            guard let proxy = proxy() else {
                close(client)
                return
            }
            Thread {
                proxy.serve(client)
                close(client)
            }.start()
        }
    }

    /// Serves one client connection, request after request.
    private func serve(_ client: Int32) {
        let reader = SocketReader(client)
        while let head = reader.readHead() {
            let lines = head.components(separatedBy: "\r\n")
            let parts = lines[0].split(separator: " ")
            guard parts.count >= 2 else { return }
            var bodyLength = 0
            var headerLines: [String] = []
            for line in lines.dropFirst() where !line.isEmpty {
                let lower = line.lowercased()
                if lower.hasPrefix("content-length:") {
                    bodyLength = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if lower.hasPrefix("connection:") { continue }
                headerLines.append(line)
            }
            let number = lock.withLock {
                count += 1
                return count
            }
            let request = Request(
                method: String(parts[0]), target: String(parts[1]), number: number)
            let fault = rule(request)
            lock.withLock { log.append("\(request.method) \(request.target) -> \(fault)") }
            switch fault {
            case .drop:
                return
            case .dropMidBody:
                _ = reader.skip(bodyLength / 2)
                return
            case .answer(let status, let headers):
                guard reader.skip(bodyLength) else { return }
                var text = "HTTP/1.1 \(status) Fault\r\nContent-Length: 0\r\n"
                for (name, value) in headers { text += "\(name): \(value)\r\n" }
                text += "\r\n"
                guard Self.send(client, Data(text.utf8)) else { return }
            case .passAfter(let action):
                action()
                guard forward(lines[0], headerLines, bodyLength, reader, client) else { return }
            case .pass:
                guard forward(lines[0], headerLines, bodyLength, reader, client) else { return }
            }
        }
    }

    /// Sends the request upstream on a new connection and copies the whole response back.
    private func forward(
        _ requestLine: String, _ headers: [String], _ bodyLength: Int, _ reader: SocketReader,
        _ client: Int32
    ) -> Bool {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard upstream >= 0 else { return false }
        defer { close(upstream) }
        var address = Self.loopback(upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let head = ([requestLine] + headers + ["Connection: close", "", ""]).joined(
            separator: "\r\n")
        guard Self.send(upstream, Data(head.utf8)) else { return false }
        guard reader.copy(bodyLength, to: upstream) else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var relayed = 0
        while true {
            let count = buffer.withUnsafeMutableBytes {
                recv(upstream, $0.baseAddress, $0.count, 0)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            relayed += count
            guard Self.send(client, Data(buffer[0..<count])) else { return false }
        }
        // Upstream died without answering: so does the client's connection.
        return relayed > 0
    }

    static func send(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(
                    fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset,
                    Int32(MSG_NOSIGNAL))
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }
}

/// Reads a socket with a buffer: request heads up to the blank line, and bodies by length.
private final class SocketReader {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(_ fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += chunk[0..<count]
            return true
        }
    }

    func readHead() -> String? {
        while true {
            if let end = findBlankLine() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            guard fill() else { return nil }
        }
    }

    private func findBlankLine() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13
            && buffer[index + 3] == 10
        {
            return index
        }
        return nil
    }

    /// Reads and drops `count` bytes.
    func skip(_ count: Int) -> Bool {
        var left = count
        while left > 0 {
            if buffer.isEmpty, !fill() { return false }
            let take = min(left, buffer.count)
            buffer.removeFirst(take)
            left -= take
        }
        return true
    }

    /// Copies `count` bytes to another socket.
    func copy(_ count: Int, to target: Int32) -> Bool {
        var left = count
        while left > 0 {
            if buffer.isEmpty, !fill() { return false }
            let take = min(left, buffer.count)
            guard FaultProxy.send(target, Data(buffer[0..<take])) else { return false }
            buffer.removeFirst(take)
            left -= take
        }
        return true
    }
}
