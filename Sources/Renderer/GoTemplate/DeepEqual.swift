extension Value {
    /// Go's `reflect.DeepEqual` on two `interface {}` values: equal dynamic types and equal
    /// contents. `int` 1 and `int64` 1 differ, as do `int` 1 and `float64` 1; NaN is unequal to
    /// itself; two nils are equal.
    public func deepEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int64(let a), .int64(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.deepEquals($1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let otherValue = b[key], value.deepEquals(otherValue) else { return false }
            }
            return true
        case (.object(let a), .object(let b)):
            guard a.goTypeName == b.goTypeName else { return false }
            if let left = a.elements, let right = b.elements {
                return left.count == right.count
                    && zip(left, right).allSatisfy { $0.deepEquals($1) }
            }
            if let left = a.marshalled, let right = b.marshalled {
                return left.deepEquals(right)
            }
            return a.formatted == b.formatted
        default:
            return false
        }
    }
}
