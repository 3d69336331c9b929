public import Builder
import Foundation
public import ShipModel

/// Uploads a build's large layers while the build is still hashing them, for
/// `shipml build --to REGISTRY`.
///
/// A build to a registry hashes every layer first, so it can skip the blobs the registry has
/// without reading them again. Hashing a large layer takes a fraction of the time its upload
/// takes, so waiting for it first makes the build slower than it needs to be. When the build
/// starts a large uncompressed layer the rebuild cache does not know, this starts an upload
/// of the same deterministic bytes at once. As soon as the build knows the layer's digest,
/// the upload checks it: when the registry has the blob (or mounts it), the upload is
/// deleted after at most the chunk in flight; otherwise it goes on and ends with the digest
/// the build computed. Anything that goes wrong here is not an error: the push that follows
/// sends what is still missing the ordinary way.
///
/// `@unchecked Sendable`: the mutable state is touched only under `condition`.
public final class AheadUploads: LayerObserver, @unchecked Sendable {
    private let pusher: Pusher
    private let threshold: Int64
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let condition = NSCondition()
    private var finished: [Int: Descriptor] = [:]
    private var abandoned = false
    private var sent: [Digest: Int64] = [:]
    private var failures: [String] = []
    private var events: (@Sendable (TransferEvent) -> Void)?

    /// Uploads ahead into `pusher`'s repository the layers of at least `threshold` bytes, up
    /// to `pusher.jobs` at a time.
    public init(pusher: Pusher, threshold: Int64 = 128 << 20) {
        self.pusher = pusher
        self.threshold = threshold
        slots = DispatchSemaphore(value: pusher.jobs)
    }

    /// Whether a layer of at least `minimum` bytes is worth uploading ahead: large enough, and
    /// the registry takes chunked uploads (a single `PUT` needs the digest first).
    public func wants(minimum: Int64?) -> Bool {
        guard let minimum, minimum >= threshold else { return false }
        return !pusher.repository.session.quirks.isMonolithic(minimum)
    }

    public func layerStarting(_ layer: LayerStream) {
        guard wants(minimum: layer.minimumSize), let minimum = layer.minimumSize else { return }
        group.enter()
        let thread = Thread { [self] in
            defer { group.leave() }
            slots.wait()
            defer { slots.signal() }
            upload(layer, minimum: minimum)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    public func layerFinished(_ index: Int, _ descriptor: Descriptor) {
        condition.withLock {
            finished[index] = descriptor
            condition.broadcast()
        }
    }

    /// Stops every upload ahead (the build failed).
    public func abandon() {
        condition.withLock {
            abandoned = true
            condition.broadcast()
        }
    }

    /// Where progress goes from now on (the push's progress display).
    public func report(to events: @escaping @Sendable (TransferEvent) -> Void) {
        condition.withLock { self.events = events }
    }

    /// Waits for every upload ahead to end. Returns the blobs they sent (digest → size), and
    /// why the others, if any, gave up (for `--verbose`; the push sends those blobs).
    public func wait() -> (sent: [Digest: Int64], failures: [String]) {
        group.wait()
        return condition.withLock { (sent, failures) }
    }

    private func upload(_ layer: LayerStream, minimum: Int64) {
        var known: Descriptor?
        do {
            let uploaded = try pusher.repository.uploadAhead(
                atLeast: minimum,
                produce: { write in
                    // No second hash: the registry checks the digest the first pass computed.
                    try withoutActuallyEscaping(write) { try layer.write(to: $0, hashing: false) }
                },
                verdict: { wait in
                    guard let descriptor = descriptor(of: layer.index, wait: wait) else {
                        return wait ? .cancel : nil
                    }
                    known = descriptor
                    // A blob the registry has, or can mount, is not sent; when it cannot tell,
                    // sending it is safe.
                    if (try? pusher.placeWithoutSending(descriptor)) ?? nil != nil {
                        return .cancel
                    }
                    return .finish(descriptor.digest, size: descriptor.size)
                },
                progress: { [self] bytes in condition.withLock { events }?(.bytes(bytes)) })
            if uploaded, let known {
                condition.withLock { sent[known.digest] = known.size }
            }
        } catch {
            condition.withLock { failures.append("\(error)") }
        }
    }

    /// The descriptor the build computed for layer `index`: nil while it is still hashing it
    /// (waiting for it first when `wait`) or when the build failed.
    private func descriptor(of index: Int, wait: Bool) -> Descriptor? {
        condition.withLock {
            while wait, finished[index] == nil, !abandoned { condition.wait() }
            return abandoned ? nil : finished[index]
        }
    }
}
