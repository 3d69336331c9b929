import Foundation

@testable import Renderer

/// A call site for calling functions directly.
struct TestCallContext: CallContext {
    var location: String { "template: test:1:2" }
}

/// Sprig and Helm's data functions with a fixed clock (2021-06-15 10:20:30 UTC) and a seeded
/// random source.
let testFunctions: FunctionMap = HelmFunctions.all(
    clock: .fixed(Date(timeIntervalSince1970: 1_623_752_430)),
    random: RandomSource(seed: 42))

enum CallFailure: Error {
    case unknownFunction(String)
}

/// Calls a function by name as the executor would after its argument checks.
func call(_ name: String, _ arguments: Value...) throws -> Value {
    guard let function = testFunctions[name] else { throw CallFailure.unknownFunction(name) }
    return try function.body(arguments, TestCallContext())
}

/// The text a template would print for the function's result.
func text(_ name: String, _ arguments: Value...) throws -> String {
    guard let function = testFunctions[name] else { throw CallFailure.unknownFunction(name) }
    return try function.body(arguments, TestCallContext()).goDescription
}

/// The message of the error a function call fails with, or nil.
func failure(_ name: String, _ arguments: Value...) -> String? {
    guard let function = testFunctions[name] else { return "unknown function \(name)" }
    do {
        _ = try function.body(arguments, TestCallContext())
        return nil
    } catch let error as FunctionError {
        return error.message
    } catch {
        return "\(error)"
    }
}

func strings(_ values: String...) -> Value { .list(values.map(Value.string)) }
