/// Checks a safetensors file's header with every rule of the reference reader (the
/// `safetensors` crate's `SafeTensors::read_metadata` and `Metadata::validate`), reading only
/// the 8-byte length and the header, never the tensor data.
enum SafetensorsCheck {
    /// The reference reader's limit on the header length.
    static let maxHeaderLength: UInt64 = 100_000_000

    /// The data types the reference reader knows, with their sizes in bits.
    static let dtypeBits: [String: UInt64] = [
        "BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8,
        "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32,
        "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64,
    ]

    private struct Tensor {
        var name: String
        var dtype: String
        var elements: UInt64
        var begin: UInt64
        var end: UInt64
    }

    /// Checks the file; returns the findings and, when the header is readable, its summary.
    static func check(file: ArtifactFile, path: String) -> ([ArtifactFinding], WeightSummary?) {
        var findings: [ArtifactFinding] = []
        func report(_ location: String?, _ message: String) {
            findings.append(
                ArtifactFinding(
                    file: path, location: location, check: "safetensors", message: message))
        }
        guard file.size >= 8 else {
            report(nil, "is \(file.size) bytes long; expected at least the 8-byte header length")
            return (findings, nil)
        }
        let lengthBytes: [UInt8]
        do {
            lengthBytes = try file.read(at: 0, count: 8)
        } catch {
            report(nil, error.description)
            return (findings, nil)
        }
        var length: UInt64 = 0
        for (shift, byte) in lengthBytes.enumerated() { length |= UInt64(byte) << (8 * shift) }
        guard length <= maxHeaderLength else {
            report(
                "header length",
                "declares a header of \(length) bytes; expected at most \(maxHeaderLength)")
            return (findings, nil)
        }
        guard 8 + length <= file.size else {
            report(
                "header length",
                "declares a header of \(length) bytes, but the file holds only "
                    + "\(file.size - 8) bytes after the length")
            return (findings, nil)
        }
        let header: [UInt8]
        do {
            header = try file.read(at: 8, count: Int(length))
        } catch {
            report("header", error.description)
            return (findings, nil)
        }
        guard header.first == UInt8(ascii: "{") else {
            report("header", "does not start with '{'; expected a JSON object")
            return (findings, nil)
        }
        guard String(validating: header, as: UTF8.self) != nil else {
            report("header", "is not valid UTF-8")
            return (findings, nil)
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSONParser.parse(header)
        } catch {
            report("header byte \(error.offset)", "is not valid JSON: \(error.message)")
            return (findings, nil)
        }
        guard case .object(let members) = json else {
            report("header", "is \(json.kind); expected a JSON object")
            return (findings, nil)
        }
        var tensors: [Tensor] = []
        var broken = false
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let entries) = value else {
                    report("__metadata__", "is \(value.kind); expected an object of strings")
                    broken = true
                    continue
                }
                for (key, entry) in entries {
                    guard case .string = entry else {
                        report(
                            "__metadata__.\(key)", "is \(entry.kind); expected a string")
                        broken = true
                        continue
                    }
                }
                continue
            }
            var unknown: [String] = []
            let result = tensor(name: name, value: value, unknown: &unknown)
            for key in unknown {
                findings.append(
                    ArtifactFinding(
                        file: path, location: name, severity: .warning, check: "safetensors",
                        message: "has an unknown field \"\(key)\", which readers ignore"))
            }
            switch result {
            case .success(let tensor): tensors.append(tensor)
            case .failure(let message):
                report(name, message)
                broken = true
            }
        }
        guard !broken else { return (findings, nil) }

        // Metadata::validate: sorted by offsets, contiguous from 0, sizes match.
        tensors.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected: UInt64 = 0
        for tensor in tensors {
            guard tensor.begin == expected, tensor.end >= tensor.begin else {
                let what =
                    tensor.end < tensor.begin
                    ? "ends at \(tensor.end) before it begins at \(tensor.begin)"
                    : tensor.begin > expected
                        ? "begins at \(tensor.begin), leaving a hole after byte \(expected)"
                        : "begins at \(tensor.begin), overlapping bytes up to \(expected)"
                report(
                    "\(tensor.name).data_offsets",
                    "\(what); expected offsets contiguous from 0 in order")
                return (findings, nil)
            }
            let (bits, overflow) = tensor.elements.multipliedReportingOverflow(
                by: dtypeBits[tensor.dtype] ?? 0)
            guard !overflow else {
                report(
                    "\(tensor.name).shape",
                    "has \(tensor.elements) elements of \(tensor.dtype), whose size overflows "
                        + "64 bits")
                return (findings, nil)
            }
            guard bits % 8 == 0 else {
                report(
                    "\(tensor.name).shape",
                    "has \(tensor.elements) elements of \(tensor.dtype), which do not fill whole "
                        + "bytes")
                return (findings, nil)
            }
            guard tensor.end - tensor.begin == bits / 8 else {
                report(
                    "\(tensor.name).data_offsets",
                    "spans \(tensor.end - tensor.begin) bytes; expected \(bits / 8) for "
                        + "\(tensor.elements) elements of \(tensor.dtype)")
                return (findings, nil)
            }
            expected = tensor.end
        }
        let dataSize = file.size - 8 - length
        guard expected == dataSize else {
            report(
                "data_offsets",
                expected < dataSize
                    ? "the tensors end at byte \(expected) of the data, but \(dataSize - expected) "
                        + "more bytes follow; expected no trailing bytes (a polyglot file)"
                    : "the tensors end at byte \(expected) of the data, past its \(dataSize) bytes")
            return (findings, nil)
        }
        var byType: [String: UInt64] = [:]
        var total: UInt64 = 0
        for tensor in tensors {
            byType[tensor.dtype, default: 0] &+= tensor.elements
            let (sum, overflow) = total.addingReportingOverflow(tensor.elements)
            guard !overflow else {
                report(nil, "the parameter count overflows 64 bits")
                return (findings, nil)
            }
            total = sum
        }
        let summary = WeightSummary(
            file: path, format: "safetensors", tensorCount: tensors.count,
            parameterCount: total, parametersByType: byType)
        return (findings, summary)
    }

    private enum TensorResult {
        case success(Tensor)
        case failure(String)
    }

    private static func tensor(
        name: String, value: HeaderJSON, unknown: inout [String]
    ) -> TensorResult {
        guard case .object(let fields) = value else {
            return .failure("is \(value.kind); expected an object with dtype, shape, data_offsets")
        }
        var dtype: String?
        var shape: [HeaderJSON]?
        var offsets: [HeaderJSON]?
        for (key, field) in fields {
            switch key {
            case "dtype":
                guard case .string(let text) = field else {
                    return .failure("has a dtype that is \(field.kind); expected a string")
                }
                dtype = text
            case "shape":
                guard case .array(let items) = field else {
                    return .failure("has a shape that is \(field.kind); expected an array")
                }
                shape = items
            case "data_offsets":
                guard case .array(let items) = field else {
                    return .failure("has data_offsets that are \(field.kind); expected an array")
                }
                offsets = items
            default:
                // The reference reader's serde structs ignore unknown fields; so does this
                // check, but it says so.
                unknown.append(key)
            }
        }
        guard let dtype else { return .failure("has no dtype") }
        guard let shape else { return .failure("has no shape") }
        guard let offsets else { return .failure("has no data_offsets") }
        guard dtypeBits[dtype] != nil else {
            let known = dtypeBits.keys.sorted().joined(separator: ", ")
            return .failure("has an unknown dtype \"\(dtype)\"; expected one of \(known)")
        }
        var elements: UInt64 = 1
        for dimension in shape {
            guard let size = dimension.unsignedInteger else {
                return .failure("has a shape entry that is not an unsigned 64-bit integer")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow else {
                return .failure("has a shape whose element count overflows 64 bits")
            }
            elements = product
        }
        guard offsets.count == 2, let begin = offsets[0].unsignedInteger,
            let end = offsets[1].unsignedInteger
        else {
            return .failure("has data_offsets that are not two unsigned 64-bit integers")
        }
        return .success(
            Tensor(name: name, dtype: dtype, elements: elements, begin: begin, end: end))
    }
}
