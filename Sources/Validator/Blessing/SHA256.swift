import Crypto
public import Foundation
public import ShipModel

extension ShipModel.Digest {
    /// The SHA-256 digest of `data`.
    public static func sha256(of data: Data) -> ShipModel.Digest {
        ShipModel.Digest(sha256: Crypto.SHA256.hash(data: data))
    }
}
