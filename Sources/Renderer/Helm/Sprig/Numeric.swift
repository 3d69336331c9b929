import Foundation

/// Sprig's math, float math and conversion functions (`numeric.go`, `functions.go`).
enum SprigNumeric {
    static func functions(random: RandomSource) -> FunctionMap {
        var map: FunctionMap = [:]
        map["atoi"] = .pure([.string]) { .int(atoi($0.string(0))) }
        map["int64"] = .pure([.any]) { .int64(Cast.int64($0.value(0))) }
        map["int"] = .pure([.any]) { .int(Cast.int($0.value(0))) }
        map["float64"] = .pure([.any]) { .float(Cast.float64($0.value(0))) }
        map["toDecimal"] = .pure([.any]) { arguments in
            let text = arguments.value(0).goDescription
            guard !text.isEmpty, !text.contains("_") else { return .int64(0) }
            var body = Substring(text)
            var negative = false
            if body.hasPrefix("+") || body.hasPrefix("-") {
                negative = body.hasPrefix("-")
                body = body.dropFirst()
            }
            guard let value = Int64(body, radix: 8), !body.isEmpty else { return .int64(0) }
            return .int64(negative ? -value : value)
        }
        map["seq"] = .pure([], variadic: .int) { .string(seq($0.map { Cast.int($0) })) }
        map["until"] = .pure([.int]) { arguments in
            let count = arguments.int(0)
            return .object(GoIntSlice(untilStep(0, count, count < 0 ? -1 : 1)))
        }
        map["untilStep"] = .pure([.int, .int, .int]) {
            .object(GoIntSlice(untilStep($0.int(0), $0.int(1), $0.int(2))))
        }
        map["add1"] = .pure([.any]) { .int64(Cast.int64($0.value(0)) &+ 1) }
        map["add"] = .pure([], variadic: .any) { arguments in
            .int64(arguments.reduce(Int64(0)) { $0 &+ Cast.int64($1) })
        }
        map["sub"] = .pure([.any, .any]) {
            .int64(Cast.int64($0.value(0)) &- Cast.int64($0.value(1)))
        }
        map["div"] = .failing([.any, .any]) { arguments in
            let (a, b) = (Cast.int64(arguments.value(0)), Cast.int64(arguments.value(1)))
            guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
            return .int64(b == -1 ? 0 &- a : a / b)
        }
        map["mod"] = .failing([.any, .any]) { arguments in
            let (a, b) = (Cast.int64(arguments.value(0)), Cast.int64(arguments.value(1)))
            guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
            return .int64(b == -1 ? 0 : a % b)
        }
        map["mul"] = .pure([.any], variadic: .any) { arguments in
            .int64(
                arguments.dropFirst().reduce(Cast.int64(arguments.value(0))) {
                    $0 &* Cast.int64($1)
                })
        }
        map["randInt"] = .failing([.int, .int]) { arguments in
            let span = arguments.int(1) - arguments.int(0)
            guard span > 0 else { throw FunctionError("invalid argument to Intn") }
            return .int(random.below(span) + arguments.int(0))
        }
        map["add1f"] = .failing([.any]) { try .float(decimal($0.value(0), [.int(1)], .add)) }
        map["addf"] = .failing([], variadic: .any) { try .float(decimal(.float(0), $0, .add)) }
        map["subf"] = .failing([.any], variadic: .any) {
            try .float(decimal($0.value(0), Array($0.dropFirst()), .subtract))
        }
        map["mulf"] = .failing([.any], variadic: .any) {
            try .float(decimal($0.value(0), Array($0.dropFirst()), .multiply))
        }
        map["divf"] = .failing([.any], variadic: .any) {
            try .float(decimal($0.value(0), Array($0.dropFirst()), .divide))
        }
        let biggest = Function.pure([.any], variadic: .any) { arguments in
            .int64(
                arguments.dropFirst().reduce(Cast.int64(arguments.value(0))) {
                    Swift.max($0, Cast.int64($1))
                })
        }
        map["biggest"] = biggest
        map["max"] = biggest
        map["min"] = .pure([.any], variadic: .any) { arguments in
            .int64(
                arguments.dropFirst().reduce(Cast.int64(arguments.value(0))) {
                    Swift.min($0, Cast.int64($1))
                })
        }
        map["maxf"] = .pure([.any], variadic: .any) { arguments in
            .float(
                arguments.dropFirst().reduce(Cast.float64(arguments.value(0))) {
                    goMax($0, Cast.float64($1))
                })
        }
        map["minf"] = .pure([.any], variadic: .any) { arguments in
            .float(
                arguments.dropFirst().reduce(Cast.float64(arguments.value(0))) {
                    goMin($0, Cast.float64($1))
                })
        }
        map["ceil"] = .pure([.any]) { .float(Cast.float64($0.value(0)).rounded(.up)) }
        map["floor"] = .pure([.any]) { .float(Cast.float64($0.value(0)).rounded(.down)) }
        map["round"] = .pure([.any, .int], variadic: .float64) { arguments in
            var roundOn = 0.5
            if arguments.count > 2, case .float(let value) = arguments[2] { roundOn = value }
            let value = Cast.float64(arguments.value(0))
            let power = pow(10, Double(arguments.int(1)))
            let digit = power * value
            let fraction = digit - digit.rounded(.towardZero)
            let rounded = fraction >= roundOn ? digit.rounded(.up) : digit.rounded(.down)
            return .float(rounded / power)
        }
        return map
    }

    static func goMax(_ x: Double, _ y: Double) -> Double {
        if x.isInfinite && x > 0 || y.isInfinite && y > 0 { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && y == 0 { return x.sign == .plus ? x : y }
        return x > y ? x : y
    }

    static func goMin(_ x: Double, _ y: Double) -> Double {
        if x.isInfinite && x < 0 || y.isInfinite && y < 0 { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && y == 0 { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// `strconv.Atoi` with its result kept on a range error, 0 on a syntax error.
    static func atoi(_ text: String) -> Int {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("+") || body.hasPrefix("-") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return 0 }
        guard let magnitude = Int(body) else { return negative ? Int.min : Int.max }
        return negative ? -magnitude : magnitude
    }

    static func untilStep(_ start: Int, _ stop: Int, _ step: Int) -> [Int] {
        var values: [Int] = []
        if stop < start {
            guard step < 0 else { return values }
            var index = start
            while index > stop {
                values.append(index)
                index += step
            }
            return values
        }
        guard step > 0 else { return values }
        var index = start
        while index < stop {
            values.append(index)
            index += step
        }
        return values
    }

    static func seq(_ parameters: [Int]) -> String {
        func text(_ values: [Int]) -> String { values.map(String.init).joined(separator: " ") }
        switch parameters.count {
        case 1:
            let end = parameters[0]
            let increment = end < 1 ? -1 : 1
            return text(untilStep(1, end + increment, increment))
        case 2:
            let (start, end) = (parameters[0], parameters[1])
            let step = end < start ? -1 : 1
            return text(untilStep(start, end + step, step))
        case 3:
            let (start, step, end) = (parameters[0], parameters[1], parameters[2])
            var increment = 1
            if end < start {
                increment = -1
                if step > 0 { return "" }
            }
            return text(untilStep(start, end + increment, step))
        default:
            return ""
        }
    }

    enum Operation { case add, subtract, multiply, divide }

    /// shopspring/decimal arithmetic on the floats' shortest decimal forms; division keeps 16
    /// decimal places.
    static func decimal(_ first: Value, _ rest: [Value], _ operation: Operation) throws -> Double {
        func make(_ value: Value) -> Decimal {
            let double = Cast.float64(value)
            return Decimal(string: GoFormat.formatFloat(double, "f", -1)) ?? Decimal(double)
        }
        var result = make(first)
        for value in rest {
            let operand = make(value)
            switch operation {
            case .add: result += operand
            case .subtract: result -= operand
            case .multiply: result *= operand
            case .divide:
                guard operand != 0 else { throw FunctionError("decimal division by 0") }
                var quotient = result / operand
                var rounded = Decimal()
                NSDecimalRound(&rounded, &quotient, 16, .plain)
                result = rounded
            }
        }
        return Double(result.description) ?? 0
    }
}
