import Crypto
import CryptoExtras
import Foundation
import SwiftASN1
import X509

/// Sprig's certificate functions: `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
/// `WithKey` forms), `buildCustomCert`, and RSA keys for `genPrivateKey`. Their keys and
/// serial numbers are random, as in Sprig, so their output differs from run to run; the
/// certificates are made as Sprig makes them (2048-bit RSA unless a key is given, signed with
/// SHA-256 or the given key's own algorithm, the key usages, basic constraints, key
/// identifiers and subject alternative names Go writes).
enum SprigCertificates {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["genCA"] = .failing([.string, .int]) { arguments in
            try .object(authority(arguments.string(0), days: arguments.int(1), key: nil))
        }
        map["genCAWithKey"] = .failing([.string, .int, .string]) { arguments in
            try .object(
                authority(
                    arguments.string(0), days: arguments.int(1),
                    key: parseKey(arguments.string(2))))
        }
        map["genSelfSignedCert"] = .failing([.string, .list, .list, .int]) { arguments in
            try .object(selfSigned(arguments, key: nil))
        }
        map["genSelfSignedCertWithKey"] = .failing([.string, .list, .list, .int, .string]) {
            arguments in
            try .object(selfSigned(arguments, key: parseKey(arguments.string(4))))
        }
        map["genSignedCert"] = .failing([.string, .list, .list, .int, .named(typeName)]) {
            arguments in
            try .object(signed(arguments, key: nil))
        }
        map["genSignedCertWithKey"] = .failing([
            .string, .list, .list, .int, .named(typeName), .string,
        ]) { arguments in
            try .object(signed(arguments, key: parseKey(arguments.string(5))))
        }
        map["buildCustomCert"] = .failing([.string, .string]) { arguments in
            try .object(custom(certificate: arguments.string(0), key: arguments.string(1)))
        }
        return map
    }

    static let typeName = "sprig.certificate"

    /// A 4096-bit RSA key as `x509.MarshalPKCS1PrivateKey` writes it (`genPrivateKey "rsa"`).
    static func rsaKey() -> String {
        do {
            return try _RSA.Signing.PrivateKey(keySize: .bits4096).pemRepresentation
        } catch {
            return "failed to generate private key: \(error)"
        }
    }

    // MARK: - The functions

    static func authority(_ commonName: String, days: Int, key: KeyPair?) throws
        -> CertificateValue
    {
        let key = try key ?? newKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let identifier = keyIdentifier(key.key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            SubjectKeyIdentifier(keyIdentifier: identifier)
        }
        return try make(
            subject: name, issuer: name, key: key, signer: key.key, days: days,
            extensions: extensions)
    }

    static func selfSigned(_ arguments: [Value], key: KeyPair?) throws
        -> CertificateValue
    {
        let key = try key ?? newKey()
        let name = try DistinguishedName { CommonName(arguments.string(0)) }
        let extensions = try leafExtensions(
            ips: items(arguments[1]), dnsNames: items(arguments[2]), authority: nil)
        return try make(
            subject: name, issuer: name, key: key, signer: key.key, days: arguments.int(3),
            extensions: extensions)
    }

    static func signed(_ arguments: [Value], key: KeyPair?) throws
        -> CertificateValue
    {
        guard case .object(let object) = arguments[4], let ca = object as? CertificateValue else {
            throw FunctionError("wrong type for value; expected \(typeName)")
        }
        let authorityCertificate: Certificate
        let signer: Certificate.PrivateKey
        do {
            authorityCertificate = try Certificate(pemEncoded: ca.cert)
        } catch {
            throw FunctionError("error parsing ca certificate: \(error)")
        }
        do {
            signer = try Certificate.PrivateKey(pemEncoded: ca.key)
        } catch {
            throw FunctionError("error parsing ca private key: \(error)")
        }
        let key = try key ?? newKey()
        let name = try DistinguishedName { CommonName(arguments.string(0)) }
        let extensions = try leafExtensions(
            ips: items(arguments[1]), dnsNames: items(arguments[2]),
            authority: keyIdentifier(authorityCertificate.publicKey))
        return try make(
            subject: name, issuer: authorityCertificate.subject, key: key, signer: signer,
            days: arguments.int(3), extensions: extensions)
    }

    /// `buildCustomCert`: a base64-encoded PEM certificate and key, checked and kept.
    static func custom(certificate: String, key: String) throws -> CertificateValue {
        guard let certificateBytes = Data(base64Encoded: certificate) else {
            throw FunctionError("unable to decode base64 certificate")
        }
        guard let keyBytes = Data(base64Encoded: key) else {
            throw FunctionError("unable to decode base64 private key")
        }
        let certificateText = String(decoding: certificateBytes, as: UTF8.self)
        let keyText = String(decoding: keyBytes, as: UTF8.self)
        guard certificateText.contains("-----BEGIN ") else {
            throw FunctionError("unable to decode certificate")
        }
        do {
            _ = try Certificate(pemEncoded: certificateText)
        } catch {
            throw FunctionError("error parsing certificate: decodedCert.Bytes: \(error)")
        }
        _ = try parseKey(keyText, context: "error parsing private key")
        return CertificateValue(cert: certificateText, key: keyText)
    }

    // MARK: - Pieces

    /// A `[]interface {}` argument's elements (none for nil).
    static func items(_ value: Value) -> [Value] {
        if case .list(let list) = value { return list }
        return []
    }

    static func newKey() throws -> KeyPair {
        do {
            let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return KeyPair(key: Certificate.PrivateKey(rsa), pem: rsa.pemRepresentation)
        } catch {
            throw FunctionError("error generating rsa key: \(error)")
        }
    }

    /// A PEM private key (RSA, P-256/384/521, Ed25519), with Sprig's error texts.
    static func parseKey(_ pem: String, context: String = "parsing private key") throws
        -> KeyPair
    {
        guard pem.contains("-----BEGIN ") else {
            throw FunctionError("\(context): no PEM data in input")
        }
        do {
            let key = try Certificate.PrivateKey(pemEncoded: pem)
            return KeyPair(key: key, pem: pem.hasSuffix("\n") ? pem : pem + "\n")
        } catch {
            throw FunctionError("\(context): \(error)")
        }
    }

    /// Go's subject key identifier: the SHA-1 of the public key's bits.
    static func keyIdentifier(_ key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }

    static func leafExtensions(ips: [Value], dnsNames: [Value], authority: ArraySlice<UInt8>?)
        throws -> Certificate.Extensions
    {
        var names: [GeneralName] = []
        for name in dnsNames {
            guard case .string(let text) = name else {
                throw FunctionError(
                    "error processing alternate dns name: \(Cast.string(name)) is not a string")
            }
            names.append(.dnsName(text))
        }
        for ip in ips {
            guard case .string(let text) = ip else {
                throw FunctionError("error parsing ip: \(Cast.string(ip)) is not a string")
            }
            guard let bytes = ipBytes(text) else {
                throw FunctionError("error parsing ip: \(text)")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        return try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            Critical(BasicConstraints.notCertificateAuthority)
            if let authority { AuthorityKeyIdentifier(keyIdentifier: authority) }
            if !names.isEmpty { SubjectAlternativeNames(names) }
        }
    }

    /// An IPv4 or IPv6 address's bytes.
    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func make(
        subject: DistinguishedName, issuer: DistinguishedName, key: KeyPair,
        signer: Certificate.PrivateKey, days: Int, extensions: Certificate.Extensions
    ) throws -> CertificateValue {
        // Whole seconds, as the certificate stores them (a rounded-up start is in the future).
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        do {
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(),
                publicKey: key.key.publicKey, notValidBefore: now,
                notValidAfter: now.addingTimeInterval(Double(days) * 86_400), issuer: issuer,
                subject: subject, extensions: extensions, issuerPrivateKey: signer)
            return CertificateValue(
                cert: try certificate.serializeAsPEM().pemString + "\n", key: key.pem)
        } catch let error as FunctionError {
            throw error
        } catch {
            throw FunctionError("error creating certificate: \(error)")
        }
    }
}

/// A private key and its PEM text: as given (Go writes a given key back in the form Sprig's
/// keys come in), or as made (PKCS #1 for RSA).
struct KeyPair {
    var key: Certificate.PrivateKey
    var pem: String
}

/// Sprig's `certificate`: `.Cert` and `.Key`, PEM text.
struct CertificateValue: GoObject {
    var cert: String
    var key: String

    var goTypeName: String { SprigCertificates.typeName }
    var goKind: String { "struct" }

    func member(_ name: String) -> GoMember {
        switch name {
        case "Cert": .field(.string(cert))
        case "Key": .field(.string(key))
        default: .missing
        }
    }

    var formatted: String { "{\(cert) \(key)}" }
    var isTruthy: Bool { true }
    var marshalled: Value? { .map(["Cert": .string(cert), "Key": .string(key)]) }
    var elements: [Value]? { nil }
    var mapEntries: [String: Value]? { nil }
}
