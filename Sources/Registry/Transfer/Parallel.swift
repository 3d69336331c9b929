import Foundation

/// Runs work items on up to `jobs` threads of their own (not the cooperative pool: transfers
/// block in libcurl). The first error stops the rest from starting and is rethrown.
enum Parallel {
    static func forEach<T>(_ items: [T], jobs: Int, _ body: (T) throws -> Void) throws {
        if jobs <= 1 || items.count <= 1 {
            for item in items { try body(item) }
            return
        }
        try withoutActuallyEscaping(body) { body in
            let state = State(items: items, body: body)
            let group = DispatchGroup()
            for _ in 0..<min(jobs, items.count) {
                group.enter()
                let thread = Thread {
                    state.work()
                    group.leave()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.wait()
            // A thread may still hold `state` for a moment after it left the group: drop the
            // closure now, so it does not outlive `withoutActuallyEscaping`.
            state.release()
            if let error = state.error { throw error }
        }
    }

    /// The shared queue of items. `@unchecked Sendable`: `next`, `error` and `body` are only
    /// touched under `lock` (`body` is copied out before it is called); `items` is read-only;
    /// `forEach` waits for every thread and then releases `body`.
    private final class State<T>: @unchecked Sendable {
        private let lock = NSLock()
        private let items: [T]
        private var body: ((T) throws -> Void)?
        private var next = 0
        private var failure: (any Error)?

        init(items: [T], body: @escaping (T) throws -> Void) {
            self.items = items
            self.body = body
        }

        var error: (any Error)? { lock.withLock { failure } }

        func release() { lock.withLock { body = nil } }

        func work() {
            while let (item, body) = take() {
                do {
                    try body(item)
                } catch {
                    lock.withLock { if failure == nil { failure = error } }
                }
            }
        }

        private func take() -> (T, (T) throws -> Void)? {
            lock.withLock {
                guard failure == nil, next < items.count, let body else { return nil }
                defer { next += 1 }
                return (items[next], body)
            }
        }
    }
}
