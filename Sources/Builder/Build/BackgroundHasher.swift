import Foundation
import ShipModel

/// SHA-256 on another core: bytes are copied and hashed on a serial queue while the caller
/// goes on compressing and writing. At most `depth` chunks wait, so memory stays bounded
/// whatever the input's size.
final class BackgroundHasher {
    private let queue = DispatchQueue(label: "shipml.diffid")
    private let slots: DispatchSemaphore
    private let state = State()

    // @unchecked Sendable: `hasher` is touched only on `queue`, and read after `queue.sync`.
    private final class State: @unchecked Sendable {
        var hasher = SHA256Hasher()
    }

    init(depth: Int = 4) {
        slots = DispatchSemaphore(value: depth)
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let chunk = Data(bytes)
        slots.wait()
        let (state, slots) = (state, slots)
        queue.async {
            chunk.withUnsafeBytes { state.hasher.update($0) }
            slots.signal()
        }
    }

    /// Waits for every chunk and returns the digest.
    func finalize() -> Digest {
        let state = state
        return queue.sync { Digest(sha256: state.hasher.finalize()) }
    }
}

@available(*, unavailable, message: "a BackgroundHasher is fed by one task at a time")
extension BackgroundHasher: Sendable {}
