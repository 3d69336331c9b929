import Foundation
import ShipMLTestSupport

/// Builders for the bytes of model files, written by the tests so no model file is committed.
enum Fixture {
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// A safetensors file: the 8-byte length, the header, `data` zero bytes.
    static func safetensors(_ header: String, data: Int, length: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        return le(length ?? UInt64(json.count), 8) + json + [UInt8](repeating: 0, count: data)
    }

    /// GGUF pieces.
    static func ggufString(_ text: String) -> [UInt8] {
        le(UInt64(text.utf8.count), 8) + Array(text.utf8)
    }

    static func ggufKV(_ key: String, type: UInt32, _ value: [UInt8]) -> [UInt8] {
        ggufString(key) + le(UInt64(type), 4) + value
    }

    static func ggufTensor(_ name: String, _ shape: [UInt64], type: UInt32, offset: UInt64)
        -> [UInt8]
    {
        ggufString(name) + le(UInt64(shape.count), 4) + shape.flatMap { le($0, 8) }
            + le(UInt64(type), 4) + le(offset, 8)
    }

    /// A GGUF file with the given pairs and tensor infos, padded to `alignment`, then `data`
    /// zero bytes.
    static func gguf(
        version: UInt32 = 3, kvs: [[UInt8]], tensors: [[UInt8]], alignment: Int = 32, data: Int,
        tensorCount: UInt64? = nil, kvCount: UInt64? = nil
    ) -> [UInt8] {
        var bytes = Array("GGUF".utf8) + le(UInt64(version), 4)
        bytes += le(tensorCount ?? UInt64(tensors.count), 8) + le(kvCount ?? UInt64(kvs.count), 8)
        bytes += kvs.flatMap { $0 } + tensors.flatMap { $0 }
        while bytes.count % alignment != 0 { bytes.append(0) }
        return bytes + [UInt8](repeating: 0, count: data)
    }

    /// Protobuf pieces for ONNX.
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    static func field(_ number: UInt64, _ text: String) -> [UInt8] {
        field(number, Array(text.utf8))
    }

    /// A TensorProto stored as external data with these key-value entries.
    static func externalTensor(_ name: String, _ entries: [(String, String)]) -> [UInt8] {
        field(8, name)
            + entries.flatMap { field(13, field(1, $0.0) + field(2, $0.1)) }
            + varint(14 << 3) + varint(1)
    }

    /// A ModelProto whose graph has these initializers.
    static func onnx(initializers: [[UInt8]]) -> [UInt8] {
        varint(1 << 3) + varint(8) + field(7, initializers.flatMap { field(5, $0) })
    }

    /// A ModelProto whose graph has an `If` node with the tensor inside its subgraph.
    static func onnxWithSubgraph(_ tensor: [UInt8]) -> [UInt8] {
        let subgraph = field(5, tensor)
        let attribute = field(1, "then_branch") + field(6, subgraph)
        let node = field(4, "If") + field(5, attribute)
        return field(7, field(1, node))
    }

    /// Runs a Python script in `directory`; it writes the fixture files.
    static func python(_ script: String, in directory: String) throws {
        let result = try ProcessRunner.run(["python3", "-c", script], in: directory)
        guard result.succeeded else {
            throw FixtureError(description: "python3 failed: \(result.stderr)")
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}
