/// Checks a GGUF file as ggml's reader (`gguf_init_from_file_impl`) does: magic, version,
/// counts, key-value pairs, tensor infos, alignment, and contiguous tensor data. The
/// metadata is read through a buffered cursor; the tensor data is never read.
enum GGUFCheck {
    static let maxAlignment: UInt64 = 1 << 20
    static let maxNameLength = 63
    static let maxDimensions: UInt32 = 4

    /// ggml's types that can be stored: name, elements per block, bytes per block.
    static let types: [UInt32: (name: String, blockSize: UInt64, typeSize: UInt64)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
        6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
        10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144),
        13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
        16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98),
        19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
        22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
        26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
        30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66),
        39: ("MXFP4", 32, 17),
    ]

    /// Sizes of the fixed-size value types; 8 is STRING and 9 is ARRAY.
    static let valueSizes: [UInt32: UInt64] = [
        0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8,
    ]

    struct Failure: Error {
        var location: String
        var message: String
    }

    /// A cursor over the file that reads through a window, so metadata with hundreds of
    /// thousands of small strings costs few system calls.
    struct Cursor {
        let file: ArtifactFile
        var position: UInt64 = 0
        private var window: [UInt8] = []
        private var windowStart: UInt64 = 0
        static let windowSize = 1 << 20

        init(file: ArtifactFile) { self.file = file }

        var remaining: UInt64 { file.size - position }

        mutating func bytes(_ count: Int, _ what: String) throws(Failure) -> ArraySlice<UInt8> {
            guard UInt64(count) <= remaining else {
                throw Failure(
                    location: "byte \(position)",
                    message: "\(what) needs \(count) bytes, but the file ends after \(remaining)")
            }
            let windowEnd = windowStart + UInt64(window.count)
            if position < windowStart || position + UInt64(count) > windowEnd {
                let size = Int(min(UInt64(max(count, Self.windowSize)), remaining))
                do {
                    window = try file.read(at: position, count: size)
                } catch {
                    throw Failure(location: "byte \(position)", message: error.description)
                }
                windowStart = position
            }
            let start = Int(position - windowStart)
            position += UInt64(count)
            return window[start..<start + count]
        }

        mutating func skip(_ count: UInt64, _ what: String) throws(Failure) {
            guard count <= remaining else {
                throw Failure(
                    location: "byte \(position)",
                    message: "\(what) needs \(count) bytes, but the file ends after \(remaining)")
            }
            position += count
        }

        mutating func u32(_ what: String) throws(Failure) -> UInt32 {
            let slice = try bytes(4, what)
            var value: UInt32 = 0
            for (shift, byte) in slice.enumerated() { value |= UInt32(byte) << (8 * shift) }
            return value
        }

        mutating func u64(_ what: String) throws(Failure) -> UInt64 {
            let slice = try bytes(8, what)
            var value: UInt64 = 0
            for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * shift) }
            return value
        }

        mutating func string(_ what: String) throws(Failure) -> String {
            let at = position
            let length = try u64("the length of \(what)")
            guard length <= remaining else {
                throw Failure(
                    location: "byte \(at)",
                    message: "\(what) claims \(length) bytes, but the file ends after "
                        + "\(remaining)")
            }
            guard length <= 1 << 26 else {
                try skip(length, what)
                return ""
            }
            return String(decoding: try bytes(Int(length), what), as: UTF8.self)
        }

        mutating func skipString(_ what: String) throws(Failure) {
            let length = try u64("the length of \(what)")
            try skip(length, what)
        }
    }

    static func check(file: ArtifactFile, path: String) -> ([ArtifactFinding], WeightSummary?) {
        do {
            let summary = try read(file: file, path: path)
            return ([], summary)
        } catch {
            return (
                [
                    ArtifactFinding(
                        file: path, location: error.location, check: "gguf",
                        message: error.message)
                ], nil
            )
        }
    }

    private static func read(file: ArtifactFile, path: String) throws(Failure) -> WeightSummary {
        var cursor = Cursor(file: file)
        let magic = try cursor.bytes(4, "the magic")
        guard magic.elementsEqual("GGUF".utf8) else {
            throw Failure(location: "byte 0", message: "does not start with the magic 'GGUF'")
        }
        let version = try cursor.u32("the version")
        if version & 0xffff == 0 && version != 0 {
            throw Failure(
                location: "version",
                message: "version \(version) is byte-swapped (\(version.byteSwapped)): the file "
                    + "was written on a machine of the other endianness")
        }
        guard version == 2 || version == 3 else {
            throw Failure(
                location: "version", message: "version \(version) is not supported; expected 2 or 3"
            )
        }
        let tensorCount = try cursor.u64("the tensor count")
        let keyCount = try cursor.u64("the key-value count")
        // A tensor info takes at least 8 (name) + 4 + 4 + 8 bytes; a pair 8 + 4 + 1.
        guard tensorCount <= file.size / 24, tensorCount < 1 << 62 else {
            throw Failure(
                location: "tensor count",
                message: "claims \(tensorCount) tensors, more than a file of \(file.size) bytes "
                    + "can describe")
        }
        guard keyCount <= file.size / 13 else {
            throw Failure(
                location: "key-value count",
                message: "claims \(keyCount) key-value pairs, more than a file of \(file.size) "
                    + "bytes can hold")
        }
        var keys: Set<String> = []
        var alignment: UInt64 = 32
        for index in 0..<keyCount {
            let at = cursor.position
            let key = try cursor.string("key \(index)")
            guard keys.insert(key).inserted else {
                throw Failure(location: "byte \(at)", message: "key \"\(key)\" appears twice")
            }
            let type = try cursor.u32("the type of \(key)")
            if key == "general.alignment" {
                guard type == 4 else {
                    throw Failure(
                        location: key, message: "has value type \(type); expected UINT32 (4)")
                }
                let value = UInt64(try cursor.u32(key))
                guard value != 0, value & (value - 1) == 0, value <= maxAlignment else {
                    throw Failure(
                        location: key,
                        message: "is \(value); expected a power of two no larger than "
                            + "\(maxAlignment)")
                }
                alignment = value
                continue
            }
            try skipValue(type: type, key: key, cursor: &cursor)
        }
        var names: Set<String> = []
        var infos: [(name: String, elements: UInt64, bytes: UInt64, type: String, offset: UInt64)] =
            []
        for index in 0..<tensorCount {
            let at = cursor.position
            let name = try cursor.string("the name of tensor \(index)")
            guard name.utf8.count <= maxNameLength else {
                throw Failure(
                    location: "byte \(at)",
                    message: "tensor name \"\(name.prefix(80))\" is \(name.utf8.count) bytes; "
                        + "expected at most \(maxNameLength)")
            }
            guard names.insert(name).inserted else {
                throw Failure(location: name, message: "tensor \"\(name)\" appears twice")
            }
            let dimensions = try cursor.u32("the dimension count of \(name)")
            guard dimensions <= maxDimensions else {
                throw Failure(
                    location: name,
                    message: "has \(dimensions) dimensions; expected at most \(maxDimensions)")
            }
            var shape: [UInt64] = []
            var elements: UInt64 = 1
            for _ in 0..<dimensions {
                let size = try cursor.u64("a dimension of \(name)")
                guard size <= UInt64(Int64.max) else {
                    throw Failure(location: name, message: "has a negative dimension")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow, product <= UInt64(Int64.max) else {
                    throw Failure(
                        location: name, message: "has a shape whose element count overflows")
                }
                elements = product
                shape.append(size)
            }
            let typeNumber = try cursor.u32("the type of \(name)")
            guard let type = types[typeNumber] else {
                throw Failure(
                    location: name, message: "has unknown or removed ggml type \(typeNumber)")
            }
            let rowLength = shape.first ?? 1
            guard rowLength % type.blockSize == 0 else {
                throw Failure(
                    location: name,
                    message: "has rows of \(rowLength) elements, not a multiple of the "
                        + "\(type.name) block size \(type.blockSize)")
            }
            let (size, overflow) = (elements / type.blockSize).multipliedReportingOverflow(
                by: type.typeSize)
            guard !overflow else {
                throw Failure(location: name, message: "has a byte size that overflows")
            }
            let offset = try cursor.u64("the offset of \(name)")
            infos.append((name, elements, size, type.name, offset))
        }
        let (padded, overflow) = cursor.position.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw Failure(location: "data", message: "offset overflows") }
        let dataStart = padded / alignment * alignment
        var expected: UInt64 = 0
        var total: UInt64 = 0
        var byType: [String: UInt64] = [:]
        for info in infos {
            guard info.offset == expected else {
                throw Failure(
                    location: info.name,
                    message: "has data offset \(info.offset); expected \(expected) (tensors "
                        + "are stored in order, each padded to \(alignment) bytes)")
            }
            let (end, overflowEnd) = expected.addingReportingOverflow(info.bytes)
            let (paddedEnd, overflowPad) = end.addingReportingOverflow(alignment - 1)
            guard !overflowEnd, !overflowPad else {
                throw Failure(location: info.name, message: "has data that overflows")
            }
            expected = paddedEnd / alignment * alignment
            total &+= info.elements
            byType[info.type, default: 0] &+= info.elements
        }
        let available = file.size >= dataStart ? file.size - dataStart : 0
        guard expected <= available else {
            throw Failure(
                location: "data",
                message: "the tensors need \(expected) bytes of data from byte \(dataStart), but "
                    + "the file holds \(available)")
        }
        return WeightSummary(
            file: path, format: "gguf", tensorCount: infos.count, parameterCount: total,
            parametersByType: byType)
    }

    private static func skipValue(
        type: UInt32, key: String, cursor: inout Cursor
    ) throws(Failure) {
        if let size = valueSizes[type] {
            try cursor.skip(size, "the value of \(key)")
            return
        }
        switch type {
        case 8: try cursor.skipString("the value of \(key)")
        case 9:
            let elementType = try cursor.u32("the element type of \(key)")
            let count = try cursor.u64("the element count of \(key)")
            if let size = valueSizes[elementType] {
                let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
                guard !overflow, bytes <= cursor.remaining else {
                    throw Failure(
                        location: key,
                        message: "is an array of \(count) values that runs past the end of "
                            + "the file")
                }
                try cursor.skip(bytes, "the value of \(key)")
            } else if elementType == 8 {
                guard count <= cursor.remaining / 8 else {
                    throw Failure(
                        location: key,
                        message: "is an array of \(count) strings that runs past the end of "
                            + "the file")
                }
                for _ in 0..<count { try cursor.skipString("a string in \(key)") }
            } else if elementType == 9 {
                throw Failure(
                    location: key,
                    message: "is an array of arrays, which ggml's reader does not accept")
            } else {
                throw Failure(
                    location: key, message: "is an array of unknown value type \(elementType)")
            }
        default:
            throw Failure(location: key, message: "has unknown value type \(type)")
        }
    }
}
