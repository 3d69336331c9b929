#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks that every tensor of an ONNX model stored as external data names a file inside the
/// model directory. The protobuf is walked by hand: ModelProto.graph and .functions, each
/// graph's initializers, sparse initializers and nodes, and each node's tensor and graph
/// attributes (so subgraphs of `If`, `Loop` and `Scan` are covered).
enum ONNXCheck {
    static let maxDepth = 32

    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// One external-data reference: the tensor's name and its key-value entries.
    struct ExternalReference {
        var tensor: String
        var offset: Int
        var entries: [(key: String, value: String)]
    }

    /// The external-data references in a serialized ModelProto.
    static func externalReferences(in bytes: UnsafeRawBufferPointer) throws(Failure)
        -> [ExternalReference]
    {
        var references: [ExternalReference] = []
        try walk(bytes, 0..<bytes.count, depth: 0) { (field, wire, range) throws(Failure) in
            if field == 7 && wire == 2 {
                try graph(bytes, range, depth: 1, into: &references)
            } else if field == 25 && wire == 2 {
                try function(bytes, range, depth: 1, into: &references)
            }
        }
        return references
    }

    /// Checks the references of the model file at `realPath` (`path` in the model).
    static func check(
        bytes: UnsafeRawBufferPointer, path: String, modelRoot: String
    ) -> [ArtifactFinding] {
        func finding(_ location: String?, _ message: String) -> ArtifactFinding {
            ArtifactFinding(file: path, location: location, check: "onnx", message: message)
        }
        let references: [ExternalReference]
        do {
            references = try externalReferences(in: bytes)
        } catch {
            return [
                finding("byte \(error.offset)", "is not a valid ONNX protobuf: \(error.message)")
            ]
        }
        var findings: [ArtifactFinding] = []
        let directory = path.split(separator: "/").dropLast().joined(separator: "/")
        for reference in references {
            let place = "tensor \(reference.tensor)"
            guard let location = reference.entries.last(where: { $0.key == "location" })?.value
            else {
                findings.append(finding(place, "has external data without a location"))
                continue
            }
            if let problem = locationProblem(location) {
                findings.append(
                    finding(place, "has external data location '\(location)', \(problem)"))
                continue
            }
            let relative = directory.isEmpty ? location : directory + "/" + location
            let joined = modelRoot + "/" + relative
            guard let real = resolvedPath(joined) else {
                findings.append(
                    finding(
                        place,
                        "has external data location '\(location)', which does not exist in the "
                            + "model directory"))
                continue
            }
            guard isInside(real, root: modelRoot) else {
                findings.append(
                    finding(
                        place,
                        "has external data location '\(location)', which resolves through a "
                            + "symbolic link to '\(real)', outside the model directory"))
                continue
            }
            var info = stat()
            guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                findings.append(
                    finding(place, "has external data location '\(location)', not a regular file"))
                continue
            }
            let offsetText = reference.entries.last { $0.key == "offset" }?.value ?? "0"
            let lengthText = reference.entries.last { $0.key == "length" }?.value
            guard let begin = UInt64(offsetText), lengthText.map({ UInt64($0) != nil }) ?? true
            else {
                findings.append(
                    finding(place, "has an external data offset or length that is not a number"))
                continue
            }
            let length = lengthText.flatMap { UInt64($0) } ?? 0
            let (end, overflow) = begin.addingReportingOverflow(length)
            if overflow || end > UInt64(info.st_size) {
                findings.append(
                    finding(
                        place,
                        "reads \(length) bytes at offset \(begin) of '\(location)', past its "
                            + "\(info.st_size) bytes"))
            }
        }
        return findings
    }

    /// Why a location is not a plain relative path inside the directory, or nil if it is.
    static func locationProblem(_ location: String) -> String? {
        if location.isEmpty { return "which is empty" }
        if location.utf8.contains(0) { return "which holds a NUL byte" }
        let bytes = Array(location.utf8)
        if bytes[0] == UInt8(ascii: "/") || bytes[0] == UInt8(ascii: "\\") {
            return "which is absolute; expected a path relative to the model file"
        }
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "z")).contains(bytes[0])
        {
            return "which is an absolute Windows path; expected a relative path"
        }
        let parts = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if parts.contains("..") {
            return "which climbs out with '..'; expected a path inside the model directory"
        }
        return nil
    }

    // MARK: - Protobuf

    private static func varint(
        _ bytes: UnsafeRawBufferPointer, _ index: inout Int, _ end: Int
    ) throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = index
        while index < end {
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw Failure(offset: start, message: "a varint is too long") }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Failure(offset: start, message: "a varint runs past the end of its message")
    }

    /// Calls `body` for each length-delimited or scalar field of the message in `range`.
    private static func walk(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        _ body: (UInt64, UInt64, Range<Int>) throws(Failure) -> Void
    ) throws(Failure) {
        guard depth <= maxDepth else {
            throw Failure(
                offset: range.lowerBound, message: "messages nest deeper than \(maxDepth)")
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let keyOffset = index
            let key = try varint(bytes, &index, range.upperBound)
            let field = key >> 3
            let wire = key & 7
            guard field > 0 else { throw Failure(offset: keyOffset, message: "field number 0") }
            switch wire {
            case 0: _ = try varint(bytes, &index, range.upperBound)
            case 1, 5:
                let size = wire == 1 ? 8 : 4
                guard range.upperBound - index >= size else {
                    throw Failure(offset: keyOffset, message: "a fixed field runs past its message")
                }
                index += size
            case 2:
                let length = try varint(bytes, &index, range.upperBound)
                guard length <= UInt64(range.upperBound - index) else {
                    throw Failure(
                        offset: keyOffset,
                        message: "field \(field) claims \(length) bytes, past the end of its "
                            + "message")
                }
                let value = index..<index + Int(length)
                index += Int(length)
                try body(field, wire, value)
            default:
                throw Failure(offset: keyOffset, message: "wire type \(wire) is not supported")
            }
        }
    }

    private static func graph(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        into references: inout [ExternalReference]
    ) throws(Failure) {
        try walk(bytes, range, depth: depth) { (field, _, value) throws(Failure) in
            switch field {
            case 1: try node(bytes, value, depth: depth + 1, into: &references)
            case 5: try tensor(bytes, value, depth: depth + 1, into: &references)
            case 15: try sparse(bytes, value, depth: depth + 1, into: &references)
            default: break
            }
        }
    }

    private static func function(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        into references: inout [ExternalReference]
    ) throws(Failure) {
        try walk(bytes, range, depth: depth) { (field, _, value) throws(Failure) in
            if field == 7 { try node(bytes, value, depth: depth + 1, into: &references) }
        }
    }

    private static func node(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        into references: inout [ExternalReference]
    ) throws(Failure) {
        try walk(bytes, range, depth: depth) { (field, _, value) throws(Failure) in
            guard field == 5 else { return }
            try walk(bytes, value, depth: depth + 1) { (field, _, inner) throws(Failure) in
                switch field {
                case 5, 10: try tensor(bytes, inner, depth: depth + 2, into: &references)
                case 6, 11: try graph(bytes, inner, depth: depth + 2, into: &references)
                case 22, 23: try sparse(bytes, inner, depth: depth + 2, into: &references)
                default: break
                }
            }
        }
    }

    private static func sparse(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        into references: inout [ExternalReference]
    ) throws(Failure) {
        try walk(bytes, range, depth: depth) { (field, _, value) throws(Failure) in
            if field == 1 || field == 2 {
                try tensor(bytes, value, depth: depth + 1, into: &references)
            }
        }
    }

    private static func tensor(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int,
        into references: inout [ExternalReference]
    ) throws(Failure) {
        var name = ""
        var entries: [(key: String, value: String)] = []
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        try walk(bytes, range, depth: depth) { (field, _, value) throws(Failure) in
            if field == 8 { name = text(value) }
            guard field == 13 else { return }
            var key = ""
            var entry = ""
            try walk(bytes, value, depth: depth + 1) { (field, _, inner) throws(Failure) in
                if field == 1 { key = text(inner) }
                if field == 2 { entry = text(inner) }
            }
            entries.append((key, entry))
        }
        if !entries.isEmpty {
            references.append(
                ExternalReference(tensor: name, offset: range.lowerBound, entries: entries))
        }
    }
}
