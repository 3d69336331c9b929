import Foundation
import Yams

/// Prints values as YAML a person reads: numbers as Swift writes them (`0.9`, not `9e-1`).
enum YAMLOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let text = try YAMLEncoder().encode(value)
        guard let node = try Yams.compose(yaml: text) else { return text }
        return try Yams.serialize(node: tidy(node))
    }

    private static func tidy(_ node: Node) -> Node {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain, Int(scalar.string) == nil,
                let value = Double(scalar.string),
                value.isFinite, scalar.string.contains("e")
            else { return node }
            return Node(String(value), scalar.tag, .plain)
        case .mapping(let mapping):
            return .mapping(
                Node.Mapping(
                    mapping.map { (tidy($0.key), tidy($0.value)) }, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(tidy), sequence.tag, sequence.style))
        case .alias:
            return node
        }
    }
}
