import Foundation

/// gzip on several cores: the stream is cut into fixed-size chunks, each compressed on a worker
/// as an independent gzip member, and the members are written in order. Concatenated members
/// are one valid gzip stream (RFC 1952; `gzip -d`, Go's and zlib's readers all accept it), and
/// because the cut points depend only on the byte count, the output is the same on any
/// machine whatever the timing of the workers.
final class ParallelCompressor {
    private let level: Int
    private let chunkSize: Int
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private let queue = DispatchQueue(label: "shipml.gzip", attributes: .concurrent)
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let results = Results()
    private var pending = Data()
    private var nextIndex = 0
    private var nextToWrite = 0

    /// What the workers hand back.
    // @unchecked Sendable: every access to `done` and `failure` holds `lock`.
    private final class Results: @unchecked Sendable {
        let lock = NSLock()
        var done: [Int: Data] = [:]
        var failure: (any Error)?

        func store(_ index: Int, _ result: Result<Data, any Error>) {
            lock.lock()
            defer { lock.unlock() }
            switch result {
            case .success(let data): done[index] = data
            case .failure(let error): if failure == nil { failure = error }
            }
        }

        /// The member `index` if it is ready; throws the first worker's error.
        func take(_ index: Int) throws -> Data? {
            lock.lock()
            defer { lock.unlock() }
            if let failure { throw failure }
            return done.removeValue(forKey: index)
        }
    }

    /// - Parameters:
    ///   - level: the gzip level.
    ///   - chunkSize: bytes of input per gzip member.
    ///   - workers: how many chunks are compressed at once.
    init(
        gzipLevel level: Int, chunkSize: Int = 1 << 20, workers: Int = 2,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) {
        self.level = level
        self.chunkSize = chunkSize
        self.sink = sink
        slots = DispatchSemaphore(value: max(1, workers) * 2)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes[...]
        while !rest.isEmpty {
            let room = chunkSize - pending.count
            let take = rest.prefix(room)
            pending.append(contentsOf: take)
            rest = rest.dropFirst(take.count)
            if pending.count == chunkSize {
                try submit(pending)
                pending = Data()
                pending.reserveCapacity(chunkSize)
            }
        }
    }

    func finish() throws {
        if !pending.isEmpty || nextIndex == 0 { try submit(pending) }
        pending = Data()
        group.wait()
        try drain()
    }

    private func submit(_ chunk: Data) throws {
        try drain()
        slots.wait()
        let index = nextIndex
        nextIndex += 1
        let level = level
        let (results, slots, group) = (results, slots, group)
        group.enter()
        queue.async {
            defer {
                slots.signal()
                group.leave()
            }
            results.store(
                index,
                Result {
                    var output = Data()
                    let compressor = try StreamCompressor(.gzip(level: level)) {
                        output.append(contentsOf: $0)
                    }
                    try chunk.withUnsafeBytes { try compressor.write($0) }
                    try compressor.finish()
                    return output
                })
        }
    }

    /// Writes every finished member that is next in order.
    private func drain() throws {
        while let member = try results.take(nextToWrite) {
            try member.withUnsafeBytes { try sink($0) }
            nextToWrite += 1
        }
    }
}

@available(*, unavailable, message: "a ParallelCompressor is fed by one task at a time")
extension ParallelCompressor: Sendable {}
