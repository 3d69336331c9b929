import Foundation
import Registry
import ShipKit
import ShipModel

/// Shows a transfer's progress on one line and, with `--verbose`, a line per blob.
/// `@unchecked Sendable`: the counters and the line are touched only under `lock`.
final class TransferProgress: TransferObserver, @unchecked Sendable {
    private let lock = NSLock()
    private let line: ProgressLine
    private let verb: String
    private var total: Int64 = 0
    private var done: Int64 = 0
    private var blobs = 0
    private var finished = 0

    init(verb: String, requested: Bool, global: GlobalOptions) {
        self.verb = verb
        line = ProgressLine(requested: requested, quiet: global.quiet, json: global.json)
    }

    func handle(_ event: TransferEvent) {
        lock.withLock {
            switch event {
            case .started(let count, let bytes):
                blobs = count
                total = bytes
            case .bytes(let count):
                done += count
            case .blobDone(let blob, let how):
                finished += 1
                Console.info("\(blob.digest.encoded.prefix(12)) \(formatBytes(blob.size)): \(how)")
            }
            line.update(
                "\(verb) \(finished)/\(blobs) blobs, \(formatBytes(done)) of \(formatBytes(total))")
        }
    }

    func finish() { lock.withLock { line.finish() } }
}
