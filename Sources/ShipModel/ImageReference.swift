/// Where an image lives, written as skopeo writes it: `oci:PATH[:TAG]` for an image layout on
/// disk, `HOST[:PORT]/REPO[:TAG|@DIGEST]` (optionally prefixed `docker://`) for a registry.
public enum ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// An OCI image layout directory, and the tag (`org.opencontainers.image.ref.name`) in it.
    case layout(path: String, tag: String?)
    /// A repository in a registry, with a tag or a digest or neither.
    case registry(RegistryReference)

    /// Parses a reference.
    /// - Throws: ``ModelError/invalidReference(_:reason:)`` saying what was expected.
    public init(parsing text: String) throws {
        if text.hasPrefix("oci:") {
            let rest = text.dropFirst(4)
            let path: Substring
            let tag: String?
            if let colon = rest.firstIndex(of: ":") {
                path = rest[..<colon]
                tag = String(rest[rest.index(after: colon)...])
            } else {
                path = rest
                tag = nil
            }
            guard !path.isEmpty else {
                throw ModelError.invalidReference(
                    text, reason: "expected a directory after \"oci:\"")
            }
            if let tag {
                guard ReferenceGrammar.isTag(tag) else {
                    throw ModelError.invalidReference(
                        text,
                        reason:
                            "tag \"\(tag)\" must be 1 to 128 of A-Z a-z 0-9 _ . - and not start with . or -"
                    )
                }
            }
            self = .layout(path: String(path), tag: tag)
            return
        }
        self = .registry(try RegistryReference(parsing: text))
    }

    public var description: String {
        switch self {
        case .layout(let path, let tag):
            return tag.map { "oci:\(path):\($0)" } ?? "oci:\(path)"
        case .registry(let reference):
            return reference.description
        }
    }

    /// The tag, if the reference has one.
    public var tag: String? {
        switch self {
        case .layout(_, let tag): return tag
        case .registry(let reference): return reference.tag
        }
    }
}

/// `HOST[:PORT]/REPO[:TAG|@DIGEST]`.
public struct RegistryReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry host, with its port if one was given.
    public var host: String
    /// The repository path inside the registry, e.g. `ml/sentiment`.
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    /// Parses `HOST[:PORT]/REPO[:TAG][@DIGEST]`, accepting skopeo's `docker://` prefix.
    public init(parsing original: String) throws {
        var text = Substring(original)
        if text.hasPrefix("docker://") { text = text.dropFirst("docker://".count) }
        var digest: Digest?
        if let at = text.lastIndex(of: "@") {
            do {
                digest = try Digest(String(text[text.index(after: at)...]))
            } catch let error as ModelError {
                if case .invalidDigest(_, let reason) = error {
                    throw ModelError.invalidReference(original, reason: "digest: \(reason)")
                }
                throw error
            }
            text = text[..<at]
        }
        guard let slash = text.firstIndex(of: "/") else {
            throw ModelError.invalidReference(
                original,
                reason:
                    "expected HOST/REPOSITORY, such as registry.example.com/ml/model, or oci:PATH for a layout"
            )
        }
        let host = String(text[..<slash])
        var path = text[text.index(after: slash)...]
        guard ReferenceGrammar.isHost(host) else {
            throw ModelError.invalidReference(
                original,
                reason:
                    "\"\(host)\" is not a registry host: name one with a dot or a port (registry.example.com, localhost:5000)"
            )
        }
        var tag: String?
        if let colon = path.lastIndex(of: ":") {
            let candidate = String(path[path.index(after: colon)...])
            guard ReferenceGrammar.isTag(candidate) else {
                throw ModelError.invalidReference(
                    original,
                    reason:
                        "tag \"\(candidate)\" must be 1 to 128 of A-Z a-z 0-9 _ . - and not start with . or -"
                )
            }
            tag = candidate
            path = path[..<colon]
        }
        let repository = String(path)
        guard ReferenceGrammar.isRepository(repository) else {
            throw ModelError.invalidReference(
                original,
                reason:
                    "repository \"\(repository)\" must be lowercase path components of a-z 0-9 separated by / and . _ __ -"
            )
        }
        guard host.count + 1 + repository.count <= 255 else {
            throw ModelError.invalidReference(
                original, reason: "a repository name is at most 255 characters")
        }
        self.host = host
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    public var description: String {
        var text = "\(host)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }
}

/// The distribution spec's grammar for names and tags.
enum ReferenceGrammar {
    static func isTag(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...128).contains(bytes.count), let first = bytes.first else { return false }
        guard isWordByte(first) else { return false }
        return bytes.allSatisfy {
            isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    static func isHost(_ text: String) -> Bool {
        var name = Substring(text)
        if let colon = name.lastIndex(of: ":"),
            !name.hasPrefix("[") || name[..<colon].hasSuffix("]")
        {
            let port = name[name.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy({ (48...57).contains($0) }) else {
                return false
            }
            name = name[..<colon]
            if name.hasPrefix("[") && name.hasSuffix("]") { return name.count > 2 }
            return isDomain(name)
        }
        guard name.contains(".") || name == "localhost" else { return false }
        return isDomain(name)
    }

    private static func isDomain(_ name: Substring) -> Bool {
        guard !name.isEmpty else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last else { return false }
            return isAlnum(first) && isAlnum(last)
                && label.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    static func isRepository(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return text.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isComponent)
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
    private static func isComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlnum(bytes[index]) {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, !isLowerAlnum(bytes[end]) { end += 1 }
            let separator = bytes[index..<end]
            let ok =
                separator.elementsEqual([UInt8(ascii: ".")])
                || separator.elementsEqual([UInt8(ascii: "_")])
                || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")])
                || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            guard ok else { return false }
            index = end
        }
        return true
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == UInt8(ascii: "_")
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...122).contains(byte)
    }
}
