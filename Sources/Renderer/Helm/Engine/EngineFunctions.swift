import Foundation

extension HelmEngine {
    /// Helm's `include` recursion limit (`recursionMaxNums`), counted per template name.
    static let recursionLimit = 1000

    /// The base functions with Helm's own over them (`engine.initFunMap`).
    func functions() -> FunctionMap {
        var map = baseFunctions
        map.removeValue(forKey: "env")
        map.removeValue(forKey: "expandenv")
        for (name, function) in Self.helmFunctions { map[name] = function }
        return map
    }

    static var helmFunctions: FunctionMap {
        [
            "include": Function([.string, .any], canFail: true) { arguments, context in
                guard case .string(let name) = arguments.first else { return .string("") }
                if context.enclosingRuns(of: name) > recursionLimit {
                    throw FunctionError(
                        "rendering template has a nested reference name: \(name): unable to execute template"
                    )
                }
                return .string(
                    try context.executeTemplate(
                        name, data: arguments.count > 1 ? arguments[1] : .null))
            },
            "tpl": Function([.string, .any], canFail: true) { arguments, context in
                guard case .string(let text) = arguments.first else { return .string("") }
                do {
                    let output = try context.executeText(
                        text, name: "gotpl", data: arguments.count > 1 ? arguments[1] : .null)
                    return .string(output.replacingOccurrences(of: "<no value>", with: ""))
                } catch let error as TemplateError where error.kind == .parse {
                    throw FunctionError(
                        "cannot parse template \(GoFormat.quote(text)): \(error.description)")
                } catch {
                    throw FunctionError(
                        "error during tpl function execution for \(GoFormat.quote(text)): \(error)")
                }
            },
            "required": Function([.string, .any], canFail: true) { arguments, _ in
                guard case .string(let warning) = arguments.first else { return .null }
                let value = arguments.count > 1 ? arguments[1] : .null
                switch value {
                case .null, .string(""):
                    throw FunctionError(errorStart + warning + errorEnd)
                default:
                    return value
                }
            },
            "fail": Function([.string], canFail: true) { arguments, _ in
                guard case .string(let message) = arguments.first else { return .string("") }
                throw FunctionError(errorStart + message + errorEnd)
            },
            "lookup": Function([.string, .string, .string, .string], canFail: true) { _, _ in
                .map([:])
            },
            "getHostByName": Function([.string]) { _, _ in .string("") },
            "fromYaml": Function([.string]) { arguments, _ in
                guard case .string(let text) = arguments.first else { return .map([:]) }
                do {
                    return .map(try HelmYAML.map(text))
                } catch {
                    return .map(["Error": .string("\(error)")])
                }
            },
            "fromYamlArray": Function([.string]) { arguments, _ in
                guard case .string(let text) = arguments.first else { return .list([]) }
                do {
                    return .list(try HelmYAML.list(text))
                } catch {
                    return .list([.string("\(error)")])
                }
            },
        ]
    }
}
