import Crypto
import CryptoExtras
import Foundation

/// Sprig's deterministic ciphers and derivations: `decryptAES` (and `encryptAES`, whose IV
/// comes from the random source), and `derivePassword` (the Master Password algorithm, scrypt
/// then HMAC-SHA256).
enum SprigCiphers {
    static func functions(random: RandomSource) -> FunctionMap {
        var map: FunctionMap = [:]
        map["encryptAES"] = .failing([.string, .string]) { arguments in
            let plaintext = Array(arguments.string(1).utf8)
            if plaintext.isEmpty { return .string("") }
            let iv = random.bytes(16)
            let padding = 16 - plaintext.count % 16
            let padded = plaintext + [UInt8](repeating: UInt8(padding), count: padding)
            do {
                let sealed = try AES._CBC.encrypt(
                    padded, using: key(arguments.string(0)), iv: AES._CBC.IV(ivBytes: iv),
                    noPadding: true)
                return .string(Data(iv + Array(sealed)).base64EncodedString())
            } catch {
                throw FunctionError("\(error)")
            }
        }
        map["decryptAES"] = .failing([.string, .string]) { arguments in
            let encoded = arguments.string(1)
            if encoded.isEmpty { return .string("") }
            let crypt: [UInt8]
            switch Base64.decode(encoded) {
            case .success(let bytes): crypt = bytes
            case .failure(let error): throw FunctionError(error.message)
            }
            guard crypt.count >= 16 else {
                throw FunctionError(
                    "runtime error: slice bounds out of range [:16] with capacity \(crypt.count)")
            }
            let body = crypt[16...]
            guard body.count % 16 == 0 else {
                throw FunctionError("crypto/cipher: input not full blocks")
            }
            guard let last = body.last else {
                throw FunctionError("runtime error: index out of range [-1]")
            }
            let decrypted: [UInt8]
            do {
                decrypted = Array(
                    try AES._CBC.decrypt(
                        body, using: key(arguments.string(0)),
                        iv: AES._CBC.IV(ivBytes: crypt[..<16]), noPadding: true))
            } catch {
                throw FunctionError("\(error)")
            }
            // Go strips as many bytes as the last one says, unchecked.
            let end = decrypted.count - Int(decrypted.last ?? last)
            guard end >= 0 else {
                throw FunctionError("runtime error: slice bounds out of range [:\(end)]")
            }
            return .string(String(decoding: decrypted[..<end], as: UTF8.self))
        }
        map["derivePassword"] = .pure([.int, .string, .string, .string, .string]) { arguments in
            .string(
                derivePassword(
                    counter: UInt32(truncatingIfNeeded: arguments.int(0)),
                    type: arguments.string(1), password: arguments.string(2),
                    user: arguments.string(3), site: arguments.string(4)))
        }
        return map
    }

    /// The password's bytes in a 32-byte key, cut or padded with zeros (AES-256).
    static func key(_ password: String) -> SymmetricKey {
        var bytes = Array(password.utf8.prefix(32))
        bytes += [UInt8](repeating: 0, count: 32 - bytes.count)
        return SymmetricKey(data: bytes)
    }

    // MARK: - Master Password

    /// The templates of each password type: one is chosen by the seed's first byte.
    static let templates: [String: [String]] = [
        "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long": [
            "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv", "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno",
            "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium": ["CvcnoCvc", "CvcCvcno"],
        "short": ["Cvcn"],
        "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
        "pin": ["nnnn"],
    ]

    /// The characters each template letter stands for.
    static let classes: [Character: [UInt8]] = [
        "V": Array("AEIOU".utf8),
        "C": Array("BCDFGHJKLMNPQRSTVWXYZ".utf8),
        "v": Array("aeiou".utf8),
        "c": Array("bcdfghjklmnpqrstvwxyz".utf8),
        "A": Array("AEIOUBCDFGHJKLMNPQRSTVWXYZ".utf8),
        "a": Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz".utf8),
        "n": Array("0123456789".utf8),
        "o": Array("@&%?,=[]_:-+*$#!'^~;()/.".utf8),
        "x": Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()".utf8),
    ]

    static func derivePassword(
        counter: UInt32, type: String, password: String, user: String, site: String
    ) -> String {
        guard let choices = templates[type] else {
            return "cannot find password template \(type)"
        }
        let scope = Array("com.lyndir.masterpassword".utf8)
        func bigEndian(_ value: UInt32) -> [UInt8] {
            [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
        }
        let salt = scope + bigEndian(UInt32(user.utf8.count)) + Array(user.utf8)
        let key: SymmetricKey
        do {
            key = try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: 64, rounds: 32768,
                blockSize: 8, parallelism: 2)
        } catch {
            return "failed to derive password: \(error)"
        }
        let message =
            scope + bigEndian(UInt32(site.utf8.count)) + Array(site.utf8)
            + bigEndian(counter)
        let seed = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        let template = choices[Int(seed[0]) % choices.count]
        var out: [UInt8] = []
        for (index, letter) in template.enumerated() {
            guard let characters = classes[letter] else { continue }
            out.append(characters[Int(seed[index + 1]) % characters.count])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
