import Crypto
import Foundation

/// Sprig's crypto functions that can be reproduced here: keys from the random source, UUIDs,
/// random bytes (the ciphers are in ``SprigCiphers``, certificates in ``SprigCertificates``).
/// Those that need DSA or bcrypt fail with an error naming the function.
enum SprigCrypto {
    static func functions(random: RandomSource) -> FunctionMap {
        var map: FunctionMap = [:]
        map["uuidv4"] = .pure([]) { _ in .string(uuid(random.bytes(16))) }
        map["randBytes"] = .failing([.int]) { arguments in
            .string(Data(random.bytes(max(arguments.int(0), 0))).base64EncodedString())
        }
        map["genPrivateKey"] = .pure([.string]) { arguments in
            switch arguments.string(0) {
            case "ecdsa": return .string(ecdsaKey(random))
            case "ed25519": return .string(ed25519Key(random))
            case "rsa": return .string(SprigCertificates.rsaKey())
            case "dsa":
                return .string(
                    "failed to generate private key: \(arguments.string(0)) keys are not supported by shipml"
                )
            default: return .string("Unknown type \(arguments.string(0))")
            }
        }
        let unsupported: [(String, [GoType])] = [
            ("bcrypt", [.string]), ("htpasswd", [.string, .string]),
        ]
        map["htpasswd"] = .failing([.string, .string]) { arguments in
            let user = arguments.string(0)
            if user.contains(":") { return .string("invalid username: \(user)") }
            throw FunctionError("htpasswd is not supported by shipml's renderer (it needs bcrypt)")
        }
        for (name, parameters) in unsupported where name != "htpasswd" {
            map[name] = .failing(parameters) { _ in
                throw FunctionError("\(name) is not supported by shipml's renderer")
            }
        }
        return map
    }

    static func uuid(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { GoFormat.hex(UInt64($0), digits: 2) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(
            separator: "-")
    }

    static func pem(_ type: String, _ der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines: [String] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let end =
                base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        return "-----BEGIN \(type)-----\n" + lines.joined(separator: "\n")
            + "\n-----END \(type)-----\n"
    }

    /// A P-256 key as `x509.MarshalECPrivateKey` writes it (SEC 1).
    static func ecdsaKey(_ random: RandomSource) -> String {
        var key: P256.Signing.PrivateKey?
        while key == nil { key = try? P256.Signing.PrivateKey(rawRepresentation: random.bytes(32)) }
        guard let key else { return "" }
        let privateBytes = Array(key.rawRepresentation)
        let publicBytes = Array(key.publicKey.x963Representation)
        let oid: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        var der: [UInt8] = [0x02, 0x01, 0x01, 0x04, 0x20] + privateBytes
        der += [0xA0, UInt8(oid.count)] + oid
        der +=
            [0xA1, UInt8(publicBytes.count + 3), 0x03, UInt8(publicBytes.count + 1), 0x00]
            + publicBytes
        return pem("EC PRIVATE KEY", [0x30, UInt8(der.count)] + der)
    }

    /// An Ed25519 key as `x509.MarshalPKCS8PrivateKey` writes it.
    static func ed25519Key(_ random: RandomSource) -> String {
        let prefix: [UInt8] = [
            0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ]
        return pem("PRIVATE KEY", prefix + random.bytes(32))
    }
}

/// Sprig's `urlParse` and `urlJoin` (Go's `net/url`).
enum SprigURL {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["urlParse"] = .failing([.string]) { arguments in
            let url = try GoURL(parsing: arguments.string(0))
            return .map([
                "scheme": .string(url.scheme), "host": .string(url.host),
                "hostname": .string(url.hostname), "path": .string(url.path),
                "query": .string(url.rawQuery), "opaque": .string(url.opaque),
                "fragment": .string(url.fragment), "userinfo": .string(url.userinfo ?? ""),
            ])
        }
        map["urlJoin"] = .failing([.map]) { arguments in
            let dictionary = arguments.map(0)
            func field(_ key: String) throws(FunctionError) -> String {
                guard let value = dictionary[key] else { return "" }
                guard case .string(let string) = value else {
                    throw FunctionError(
                        "unable to parse \(key) key, must be of type string, but \(value.goTypeName) found"
                    )
                }
                return string
            }
            var url = GoURL()
            url.scheme = try field("scheme")
            url.host = try field("host")
            url.path = try field("path")
            url.rawQuery = try field("query")
            url.opaque = try field("opaque")
            url.fragment = try field("fragment")
            let userinfo = try field("userinfo")
            url.userinfo = userinfo.isEmpty ? nil : userinfo
            return .string(url.string)
        }
        return map
    }
}

/// The parts of Go's `url.URL` that Sprig reads and writes.
struct GoURL {
    var scheme = ""
    var opaque = ""
    var userinfo: String?
    var host = ""
    var path = ""
    var rawQuery = ""
    var fragment = ""

    init() {}

    init(parsing text: String) throws(FunctionError) {
        func failure(_ message: String) -> FunctionError {
            FunctionError("unable to parse url: parse \(GoFormat.quote(text)): \(message)")
        }
        var scan = Substring(text)
        while let percent = scan.firstIndex(of: "%") {
            let escape = scan[percent...].prefix(3)
            guard escape.count == 3, escape.dropFirst().allSatisfy({ $0.isHexDigit }) else {
                throw failure("invalid URL escape \(GoFormat.quote(String(escape)))")
            }
            scan = scan[scan.index(after: percent)...]
        }
        var rest = Substring(text)
        if let hash = rest.firstIndex(of: "#") {
            fragment = GoURL.unescape(String(rest[rest.index(after: hash)...]))
            rest = rest[..<hash]
        }
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isLetter,
            rest[..<colon].allSatisfy({
                $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0))
            })
        {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        } else if rest.first == ":" {
            throw FunctionError(
                "unable to parse url: parse \(GoFormat.quote(text)): missing protocol scheme")
        }
        if let question = rest.firstIndex(of: "?") {
            rawQuery = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if !rest.hasPrefix("/") && !scheme.isEmpty {
            opaque = String(rest)
            return
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            rest = rest[authorityEnd...]
            if let at = authority.lastIndex(of: "@") {
                userinfo = String(authority[..<at])
                authority = authority[authority.index(after: at)...]
            }
            host = String(authority)
            if let bad = host.first(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\"" }) {
                throw failure("invalid character \(GoFormat.quote(String(bad))) in host name")
            }
        }
        path = GoURL.unescape(String(rest))
    }

    var hostname: String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            return String(host[host.index(after: host.startIndex)..<close])
        }
        if let colon = host.lastIndex(of: ":") { return String(host[..<colon]) }
        return host
    }

    static func unescape(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    static func escapePath(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: "\u{0}"..."\u{7F}"))
        allowed.insert(charactersIn: "-_.~$&+,/:;=@!*'()")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func escapeFragment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: "\u{0}"..."\u{7F}"))
        allowed.insert(charactersIn: "-_.~$&+,/:;=@!*'()?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `URL.String()`.
    var string: String {
        var out = ""
        if !scheme.isEmpty { out += scheme + ":" }
        if !opaque.isEmpty {
            out += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || userinfo != nil {
                if !host.isEmpty || !path.isEmpty || userinfo != nil { out += "//" }
                if let userinfo { out += userinfo + "@" }
                out += host
            }
            let escaped = GoURL.escapePath(path)
            if !escaped.isEmpty && !escaped.hasPrefix("/") && !host.isEmpty { out += "/" }
            if out.isEmpty, let colon = escaped.firstIndex(of: ":"),
                !escaped[..<colon].contains("/")
            {
                out += "./"
            }
            out += escaped
        }
        if !rawQuery.isEmpty { out += "?" + rawQuery }
        if !fragment.isEmpty { out += "#" + GoURL.escapeFragment(fragment) }
        return out
    }
}
