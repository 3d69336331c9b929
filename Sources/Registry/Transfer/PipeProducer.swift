import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a producer on a thread of its own, writing into a pipe whose read end an upload sends
/// from: a layer made on the fly goes to the registry with a pipe's worth of memory.
///
/// `@unchecked Sendable`: `failure` is written by the producer thread before it signals `done`
/// and read only after waiting for it.
final class PipeProducer: @unchecked Sendable {
    let readEnd: Int32
    private let writeEnd: Int32
    private let done = DispatchSemaphore(value: 0)
    private var failure: (any Error)?
    private var finished = false

    /// Starts `produce`, which calls its argument with each piece of the bytes.
    init(
        _ produce:
            @escaping @Sendable (_ write: (UnsafeRawBufferPointer) throws -> Void) throws ->
            Void
    ) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw RegistryError(
                .configuration, "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        // A bigger pipe means fewer wake-ups between the producer and libcurl. F_SETPIPE_SZ
        // (1031) needs _GNU_SOURCE, which Glibc's module does not define.
        _ = fcntl(writeEnd, 1031, Int32(1 << 20))
        // A write after the reader gave up must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let writeEnd = writeEnd
        let thread = Thread { [self] in
            do {
                try produce { bytes in try Self.writeAll(writeEnd, bytes) }
            } catch {
                failure = error
            }
            close(writeEnd)
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { _ = finish() }

    /// Closes the read end (a producer still writing stops with EPIPE), waits for the
    /// producer, and returns its error.
    func finish() -> (any Error)? {
        guard !finished else { return failure }
        finished = true
        close(readEnd)
        done.wait()
        return failure
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw PipeClosed()
            }
            offset += written
        }
    }

    /// The upload stopped reading.
    struct PipeClosed: Error {}
}
