import Crypto
public import Foundation

/// Incremental SHA-256 (swift-crypto, which uses the CPU's SHA instructions).
public struct SHA256Hasher: Sendable {
    private var state = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state.update(bufferPointer: bytes)
    }

    /// The 32 bytes of the hash.
    public func finalize() -> [UInt8] {
        Array(state.finalize())
    }

    /// The hash of `data` in one call.
    public static func hash(_ data: Data) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }
}
