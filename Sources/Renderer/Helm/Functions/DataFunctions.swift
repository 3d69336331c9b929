/// Helm's data functions (`pkg/engine/funcs.go`) and Sprig's JSON functions as Helm keeps them.
enum DataFunctions {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["toYaml"] = .pure([.any]) { arguments in
            guard let text = try? GoYAML.marshal(arguments.value(0)) else { return .string("") }
            return .string(trimNewline(text))
        }
        map["mustToYaml"] = .failing([.any]) { arguments in
            do {
                return .string(trimNewline(try GoYAML.marshal(arguments.value(0))))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["toYamlPretty"] = .pure([.any]) { arguments in
            guard let text = try? GoYAML.marshalPretty(arguments.value(0)) else {
                return .string("")
            }
            return .string(trimNewline(text))
        }
        map["toJson"] = .pure([.any]) { arguments in
            .string((try? JSONCodec.marshal(arguments.value(0))) ?? "")
        }
        map["mustToJson"] = .failing([.any]) { arguments in
            do {
                return .string(try JSONCodec.marshal(arguments.value(0)))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["toPrettyJson"] = .pure([.any]) { arguments in
            .string((try? JSONCodec.marshal(arguments.value(0), indent: "  ")) ?? "")
        }
        map["mustToPrettyJson"] = .failing([.any]) { arguments in
            do {
                return .string(try JSONCodec.marshal(arguments.value(0), indent: "  "))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["toRawJson"] = .pure([.any]) { arguments in
            .string((try? JSONCodec.marshal(arguments.value(0), escapeHTML: false)) ?? "")
        }
        map["mustToRawJson"] = .failing([.any]) { arguments in
            do {
                return .string(try JSONCodec.marshal(arguments.value(0), escapeHTML: false))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["fromJson"] = .pure([.string]) { arguments in
            do {
                let value = try JSONCodec.unmarshal(arguments.string(0))
                switch value {
                case .map: return value
                case .null: return .map([:])
                default:
                    return .map([
                        "Error": .string(
                            "json: cannot unmarshal \(JSONCodec.jsonKind(value)) into Go value of type map[string]interface {}"
                        )
                    ])
                }
            } catch {
                return .map(["Error": .string(message(of: error))])
            }
        }
        map["fromJsonArray"] = .pure([.string]) { arguments in
            do {
                let value = try JSONCodec.unmarshal(arguments.string(0))
                switch value {
                case .list: return value
                case .null: return .list([])
                default:
                    return .list([
                        .string(
                            "json: cannot unmarshal \(JSONCodec.jsonKind(value)) into Go value of type []interface {}"
                        )
                    ])
                }
            } catch {
                return .list([.string(message(of: error))])
            }
        }
        map["mustFromJson"] = .failing([.string]) { arguments in
            do {
                return try JSONCodec.unmarshal(arguments.string(0))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["toToml"] = .pure([.any]) { arguments in
            do {
                return .string(try TOMLCodec.encode(arguments.value(0)))
            } catch {
                return .string(message(of: error))
            }
        }
        map["mustToToml"] = .failing([.any]) { arguments in
            do {
                return .string(try TOMLCodec.encode(arguments.value(0)))
            } catch {
                throw FunctionError(message(of: error))
            }
        }
        map["fromToml"] = .pure([.string]) { arguments in
            do {
                return .map(try TOMLCodec.decode(arguments.string(0)))
            } catch {
                return .map(["Error": .string(message(of: error))])
            }
        }
        return map
    }

    static func message(of error: any Error) -> String {
        switch error {
        case let error as GoYAML.EncodeError: error.message
        case let error as JSONCodec.EncodeError: error.message
        case let error as JSONCodec.DecodeError: error.message
        case let error as TOMLCodec.CodecError: error.message
        default: "\(error)"
        }
    }

    static func trimNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
