import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of one transfer, handed to libcurl's callbacks as an unretained pointer.
///
/// ``HTTPClient`` keeps it alive across `curl_easy_perform` and resets the handle right after,
/// so no callback can run with a dangling pointer. Callbacks run on the thread that called
/// `curl_easy_perform`, one at a time.
final class Transfer {
    /// Bodies of responses that are not streamed to the sink are kept up to this size.
    static let unstreamedBodyLimit = 1 << 20

    let source: BodySource
    let sink: ((UnsafeRawBufferPointer) throws -> Void)?

    /// The status of the response whose header is being received, from its status line.
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private(set) var body = Data()
    /// The error the sink threw; the transfer was aborted because of it.
    private(set) var sinkError: (any Error)?

    init(source: BodySource, sink: ((UnsafeRawBufferPointer) throws -> Void)?) {
        self.source = source
        self.sink = sink
    }

    /// Takes one header line, CRLF included. A status line starts a new response (after a
    /// redirect or a `100 Continue`), so it drops what the previous one left.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A) { end -= 1 }
        guard end > 0 else { return }
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
            body = Data()
        } else if line.first == " " || line.first == "\t" {
            // An obsolete folded continuation of the previous field's value.
            guard !headers.fields.isEmpty else { return }
            let more = line.trimmingCharacters(in: .whitespaces)
            headers.fields[headers.fields.count - 1].value += " " + more
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.add(name, value)
        }
    }

    /// Takes a piece of the body. Returns false when the sink threw and the transfer must stop.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let sink, (200..<300).contains(status) {
            do {
                try sink(bytes)
            } catch {
                sinkError = error
                return false
            }
        } else if sink == nil {
            body.append(contentsOf: bytes)
        } else {
            let room = max(0, Self.unstreamedBodyLimit - body.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(room)))
        }
        return true
    }
}

/// Where an upload body comes from: memory or a file region read with `pread`, one buffer at a
/// time, so a large file never sits in memory.
final class BodySource {
    private enum Storage {
        case data(Data)
        case file(descriptor: Int32, path: String, offset: Int64)
        case stream(descriptor: Int32)
    }

    private let storage: Storage
    /// How many bytes the body has.
    let length: Int64
    /// How many bytes were handed to libcurl since the start or the last rewind.
    private var position: Int64 = 0
    /// Why reading failed, when it did; the transfer was aborted because of it.
    private(set) var failure: String?

    /// A body of no bytes.
    init() {
        storage = .data(Data())
        length = 0
    }

    /// Opens the body of a request.
    ///
    /// - Throws: A description of the problem, when a file region cannot be opened or the
    ///   file is shorter than the region.
    init(_ body: HTTPRequest.Body) throws(BodySourceError) {
        switch body {
        case .none:
            storage = .data(Data())
            length = 0
        case .data(let data):
            storage = .data(data)
            length = Int64(data.count)
        case .file(let region):
            guard region.offset >= 0, region.length >= 0 else {
                throw BodySourceError(
                    "body file region of \(region.path) has a negative offset or length")
            }
            let descriptor = open(region.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw BodySourceError("cannot open body file \(region.path): \(errnoText())")
            }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                let text = errnoText()
                close(descriptor)
                throw BodySourceError("cannot inspect body file \(region.path): \(text)")
            }
            let size = Int64(info.st_size)
            guard region.offset <= size, region.length <= size - region.offset else {
                close(descriptor)
                throw BodySourceError(
                    "body file \(region.path) has \(size) bytes, fewer than offset "
                        + "\(region.offset) plus length \(region.length)")
            }
            storage = .file(descriptor: descriptor, path: region.path, offset: region.offset)
            length = region.length
        case .stream(let stream):
            storage = .stream(descriptor: stream.descriptor)
            length = stream.length
        }
    }

    deinit {
        if case .file(let descriptor, _, _) = storage { close(descriptor) }
    }

    /// Fills `buffer` with the next bytes; returns how many, 0 at the end, nil on failure.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let wanted = Int(min(Int64(buffer.count), length - position))
        guard wanted > 0, let base = buffer.baseAddress else { return 0 }
        switch storage {
        case .data(let data):
            let start = data.startIndex + Int(position)
            data.copyBytes(
                to: base.assumingMemoryBound(to: UInt8.self), from: start..<start + wanted)
            position += Int64(wanted)
            return wanted
        case .file(let descriptor, let path, let offset):
            return readRetrying(
                { pread(descriptor, base, wanted, off_t(offset + position)) },
                ended: "body file \(path) ended early, at byte \(offset + position)",
                failed: "cannot read body file \(path)")
        case .stream(let descriptor):
            return readRetrying(
                { Glibc.read(descriptor, base, wanted) },
                ended: "the streamed body ended early, at byte \(position) of \(length)",
                failed: "cannot read the streamed body")
        }
    }

    /// Calls `read` until it gives bytes (retrying on EINTR); records why when it cannot.
    private func readRetrying(
        _ read: () -> Int, ended: @autoclosure () -> String, failed: @autoclosure () -> String
    ) -> Int? {
        while true {
            let count = read()
            if count > 0 {
                position += Int64(count)
                return count
            }
            if count < 0 && errno == EINTR { continue }
            failure = count == 0 ? ended() : "\(failed()): \(errnoText())"
            return nil
        }
    }

    /// Moves back to `offset` bytes from the start of the body; false when out of range.
    func rewind(to offset: Int64) -> Bool {
        guard offset >= 0, offset <= length else { return false }
        if case .stream = storage { return offset == position }
        position = offset
        return true
    }
}

/// Why an upload body could not be opened or read, in words for ``TransportError/detail``.
struct BodySourceError: Error {
    let text: String

    init(_ text: String) {
        self.text = text
    }
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
