public import Foundation

/// A Go `time.Time`: an instant and the zone it is shown in.
public struct GoTime: GoObject {
    public var date: Date
    public var zone: TimeZone
    /// The exact nanoseconds within the second when known (a `Date` keeps about 0.1 µs).
    public var nanosecond: Int?

    public init(_ date: Date, zone: TimeZone, nanosecond: Int? = nil) {
        self.date = date
        self.zone = zone
        self.nanosecond = nanosecond
    }

    public var goTypeName: String { "time.Time" }
    public var goKind: String { "struct" }
    /// `Time.String()`.
    public var formatted: String { format("2006-01-02 15:04:05.999999999 -0700 MST") }
    public var marshalled: Value? { .string(format("2006-01-02T15:04:05.999999999Z07:00")) }

    public func member(_ name: String) -> GoMember {
        let this = self
        let parts = components
        switch name {
        case "Year": return .method(.pure([]) { _ in .int(parts.year) })
        case "Month": return .method(.pure([]) { _ in .int(parts.month) })
        case "Day": return .method(.pure([]) { _ in .int(parts.day) })
        case "Hour": return .method(.pure([]) { _ in .int(parts.hour) })
        case "Minute": return .method(.pure([]) { _ in .int(parts.minute) })
        case "Second": return .method(.pure([]) { _ in .int(parts.second) })
        case "Unix": return .method(.pure([]) { _ in .int64(this.unix) })
        case "UnixNano":
            return .method(
                .pure([]) { _ in .int64(this.unix &* 1_000_000_000 &+ Int64(parts.nanosecond)) })
        case "String": return .method(.pure([]) { _ in .string(this.formatted) })
        case "Format": return .method(.pure([.string]) { .string(this.format($0.string(0))) })
        case "UTC":
            return .method(
                .pure([]) { _ in
                    .object(GoTime(this.date, zone: TimeZone(identifier: "UTC") ?? this.zone))
                })
        default: return .missing
        }
    }

    var unix: Int64 { Int64((date.timeIntervalSince1970).rounded(.down)) }

    struct Parts {
        var year, month, day, hour, minute, second, nanosecond, weekday, yearDay, offset: Int
        var abbreviation: String
    }

    /// Go's zero `time.Time`: January 1, year 1, 00:00:00 UTC.
    public static let zero = Date(timeIntervalSince1970: -62_135_596_800)

    /// The civil date of a day count since 1970-01-01, in the proleptic Gregorian calendar
    /// Go uses (Howard Hinnant's algorithm).
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    var components: Parts {
        let interval = date.timeIntervalSince1970
        let nanos = nanosecond ?? Int(((interval - interval.rounded(.down)) * 1e9).rounded())
        let offset = zone.secondsFromGMT(for: date)
        let local = Int(interval.rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = GoTime.civil(days)
        let firstOfYear = GoTime.daysFromCivil(year, 1, 1)
        var c = DateComponents()
        c.year = year
        c.month = month
        c.day = day
        c.hour = secondOfDay / 3600
        c.minute = secondOfDay % 3600 / 60
        c.second = secondOfDay % 60
        c.weekday = ((days % 7 + 7 + 4) % 7) + 1
        let yearDay = days - firstOfYear + 1
        var abbreviation =
            GoTime.tzdataAbbreviation(zone.identifier, at: interval) ?? zone.abbreviation(for: date)
            ?? "UTC"
        if zone.identifier == "UTC" || zone.identifier == "GMT" && offset == 0 {
            abbreviation = "UTC"
        }
        if abbreviation.hasPrefix("GMT") && offset != 0 {
            abbreviation = GoTime.numericZone(offset)
        }
        return Parts(
            year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1, hour: c.hour ?? 0,
            minute: c.minute ?? 0, second: c.second ?? 0, nanosecond: min(nanos, 999_999_999),
            weekday: (c.weekday ?? 1) - 1, yearDay: yearDay, offset: offset,
            abbreviation: abbreviation)
    }

    /// The zone's abbreviation at a time, read from the system's tzdata as Go reads it
    /// (Foundation on Linux says `GMT-4` where Go says `EDT`).
    static func tzdataAbbreviation(_ identifier: String, at seconds: TimeInterval) -> String? {
        guard identifier != "UTC", !identifier.contains(".."),
            let data = FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + identifier),
            data.count > 44, data.prefix(4).elementsEqual("TZif".utf8)
        else { return nil }
        let bytes = [UInt8](data)
        func int32(_ offset: Int) -> Int {
            Int(
                Int32(
                    bitPattern: bytes[offset..<offset + 4].reduce(UInt32(0)) {
                        $0 << 8 | UInt32($1)
                    }))
        }
        let timeCount = int32(32)
        let typeCount = int32(36)
        let charCount = int32(40)
        let transitions = 44
        let indices = transitions + 4 * timeCount
        let types = indices + timeCount
        let chars = types + 6 * typeCount
        guard typeCount > 0, chars + charCount <= bytes.count else { return nil }
        var type = 0
        for index in 0..<timeCount where Double(int32(transitions + 4 * index)) <= seconds {
            type = Int(bytes[indices + index])
        }
        guard type < typeCount else { return nil }
        let start = chars + Int(bytes[types + 6 * type + 5])
        let name = bytes[start..<(chars + charCount)].prefix { $0 != 0 }
        return String(decoding: name, as: UTF8.self)
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func numericZone(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let hours = magnitude / 3600
        let minutes = magnitude % 3600 / 60
        return sign + two(hours) + (minutes == 0 ? "" : two(minutes))
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ]
    static let days = [
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    ]

    /// Go's `Time.Format` with a reference-time layout.
    public func format(_ layout: String) -> String {
        let p = components
        var out = ""
        var rest = Substring(layout)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(abs(value))
            return (value < 0 ? "-" : "")
                + String(repeating: "0", count: max(0, width - text.count)) + text
        }
        func zone(_ z: Bool, colon: Bool, seconds: Bool, hoursOnly: Bool) -> String {
            if z && p.offset == 0 { return "Z" }
            let sign = p.offset < 0 ? "-" : "+"
            let magnitude = abs(p.offset)
            var text = sign + pad(magnitude / 3600, 2)
            if hoursOnly { return text }
            text += (colon ? ":" : "") + pad(magnitude % 3600 / 60, 2)
            if seconds { text += (colon ? ":" : "") + pad(magnitude % 60, 2) }
            return text
        }
        let tokens: [(String, () -> String)] = [
            ("January", { GoTime.months[p.month - 1] }),
            ("Jan", { String(GoTime.months[p.month - 1].prefix(3)) }),
            ("Monday", { GoTime.days[p.weekday] }),
            ("Mon", { String(GoTime.days[p.weekday].prefix(3)) }),
            ("MST", { p.abbreviation }),
            ("2006", { pad(p.year, 4) }),
            ("Z07:00:00", { zone(true, colon: true, seconds: true, hoursOnly: false) }),
            ("-07:00:00", { zone(false, colon: true, seconds: true, hoursOnly: false) }),
            ("Z070000", { zone(true, colon: false, seconds: true, hoursOnly: false) }),
            ("-070000", { zone(false, colon: false, seconds: true, hoursOnly: false) }),
            ("Z07:00", { zone(true, colon: true, seconds: false, hoursOnly: false) }),
            ("-07:00", { zone(false, colon: true, seconds: false, hoursOnly: false) }),
            ("Z0700", { zone(true, colon: false, seconds: false, hoursOnly: false) }),
            ("-0700", { zone(false, colon: false, seconds: false, hoursOnly: false) }),
            ("Z07", { zone(true, colon: false, seconds: false, hoursOnly: true) }),
            ("-07", { zone(false, colon: false, seconds: false, hoursOnly: true) }),
            ("002", { pad(p.yearDay, 3) }),
            (
                "__2",
                { String(repeating: " ", count: 3 - String(p.yearDay).count) + String(p.yearDay) }
            ),
            ("_2", { (p.day < 10 ? " " : "") + String(p.day) }),
            ("01", { pad(p.month, 2) }),
            ("02", { pad(p.day, 2) }),
            ("03", { pad(p.hour % 12 == 0 ? 12 : p.hour % 12, 2) }),
            ("04", { pad(p.minute, 2) }),
            ("05", { pad(p.second, 2) }),
            ("06", { pad(p.year % 100, 2) }),
            ("15", { pad(p.hour, 2) }),
            ("PM", { p.hour >= 12 ? "PM" : "AM" }),
            ("pm", { p.hour >= 12 ? "pm" : "am" }),
            ("1", { String(p.month) }),
            ("2", { String(p.day) }),
            ("3", { String(p.hour % 12 == 0 ? 12 : p.hour % 12) }),
            ("4", { String(p.minute) }),
            ("5", { String(p.second) }),
        ]
        outer: while !rest.isEmpty {
            if let first = rest.first, first == "." || first == ",", rest.count > 1 {
                let digits = rest.dropFirst().prefix { $0 == "0" || $0 == "9" }
                if let kind = digits.first, digits.allSatisfy({ $0 == kind }),
                    rest.dropFirst(1 + digits.count).first.map({ !$0.isNumber }) ?? true
                {
                    var fraction = String(pad(p.nanosecond, 9).prefix(digits.count))
                    if kind == "9" {
                        while fraction.hasSuffix("0") { fraction.removeLast() }
                        if !fraction.isEmpty { out += String(first) + fraction }
                    } else {
                        out += String(first) + fraction
                    }
                    rest = rest.dropFirst(1 + digits.count)
                    continue
                }
            }
            for (token, value) in tokens where rest.hasPrefix(token) {
                if token == "Jan" || token == "Mon" {
                    // "January" and "Monday" were tried first.
                }
                out += value()
                rest = rest.dropFirst(token.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }
}

/// Sprig's date functions (`date.go`), reading the time from an injectable clock.
enum SprigDates {
    static func functions(clock: Clock) -> FunctionMap {
        var map: FunctionMap = [:]
        let utc = TimeZone(identifier: "UTC") ?? clock.timeZone
        @Sendable func zone(_ name: String) -> TimeZone {
            if name == "Local" { return clock.timeZone }
            if name == "UTC" || name.isEmpty { return utc }
            return TimeZone(identifier: name) ?? utc
        }
        @Sendable func instant(_ value: Value) -> Date {
            switch value {
            case .object(let time as GoTime): return time.date
            case .int(let seconds): return Date(timeIntervalSince1970: TimeInterval(seconds))
            case .int64(let seconds): return Date(timeIntervalSince1970: TimeInterval(seconds))
            default: return clock.now()
            }
        }
        @Sendable func retime(_ value: Value, _ zone: TimeZone) -> GoTime {
            if case .object(let time as GoTime) = value {
                return GoTime(time.date, zone: zone, nanosecond: time.nanosecond)
            }
            return GoTime(instant(value), zone: zone)
        }
        map["now"] = .pure([]) { _ in .object(GoTime(clock.now(), zone: clock.timeZone)) }
        let dateInZone = Function.pure([.string, .any, .string]) { arguments in
            .string(
                retime(arguments.value(1), zone(arguments.string(2))).format(
                    arguments.string(0)))
        }
        map["dateInZone"] = dateInZone
        map["date_in_zone"] = dateInZone
        map["date"] = .pure([.string, .any]) { arguments in
            .string(
                retime(arguments.value(1), clock.timeZone).format(
                    arguments.string(0)))
        }
        map["htmlDate"] = .pure([.any]) { arguments in
            .string(retime(arguments.value(0), clock.timeZone).format("2006-01-02"))
        }
        map["htmlDateInZone"] = .pure([.any, .string]) { arguments in
            .string(
                retime(arguments.value(0), zone(arguments.string(1))).format(
                    "2006-01-02"))
        }
        let modify = Function.failing([.string, .named("time.Time")]) { arguments in
            guard case .object(let time as GoTime) = arguments.value(1) else { return .null }
            let nanoseconds = try parseDuration(arguments.string(0))
            return .object(
                GoTime(
                    time.date.addingTimeInterval(TimeInterval(nanoseconds) / 1e9), zone: time.zone))
        }
        for name in ["dateModify", "date_modify", "mustDateModify", "must_date_modify"] {
            map[name] = modify
        }
        map["ago"] = .pure([.any]) { arguments in
            let seconds = clock.now().timeIntervalSince(instant(arguments.value(0)))
            return .string(durationString(Int64(seconds.rounded()) * 1_000_000_000))
        }
        map["duration"] = .pure([.any]) { arguments in
            var seconds: Int64 = 0
            switch arguments.value(0) {
            case .string(let text): seconds = Int64(text) ?? 0
            case .int64(let value): seconds = value
            default: seconds = 0
            }
            return .string(durationString(seconds &* 1_000_000_000))
        }
        map["durationRound"] = .pure([.any]) { arguments in
            var nanoseconds: Int64 = 0
            switch arguments.value(0) {
            case .string(let text): nanoseconds = (try? parseDuration(text)) ?? 0
            case .int64(let value): nanoseconds = value
            case .object(let time as GoTime):
                nanoseconds = Int64(clock.now().timeIntervalSince(time.date) * 1e9)
            default: nanoseconds = 0
            }
            return .string(roundDuration(nanoseconds))
        }
        map["unixEpoch"] = .pure([.named("time.Time")]) { arguments in
            guard case .object(let time as GoTime) = arguments.value(0) else { return .string("0") }
            return .string(String(time.unix))
        }
        map["toDate"] = .pure([.string, .string]) { arguments in
            let time = try? parseTime(
                arguments.string(0), arguments.string(1), zone: clock.timeZone)
            return .object(time ?? GoTime(GoTime.zero, zone: utc))
        }
        map["mustToDate"] = .failing([.string, .string]) { arguments in
            .object(try parseTime(arguments.string(0), arguments.string(1), zone: clock.timeZone))
        }
        return map
    }

    /// `time.Duration.String()`.
    static func durationString(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        var out = ""
        if magnitude < 1_000_000_000 {
            let (unit, scale): (String, UInt64) =
                magnitude < 1000
                ? ("ns", 1) : magnitude < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            out = decimal(magnitude, scale) + unit
        } else {
            let hours = magnitude / 3_600_000_000_000
            let minutes = magnitude / 60_000_000_000 % 60
            let seconds = magnitude % 60_000_000_000
            if hours > 0 { out += "\(hours)h" }
            if hours > 0 || minutes > 0 { out += "\(minutes)m" }
            out += decimal(seconds, 1_000_000_000) + "s"
        }
        return (negative ? "-" : "") + out
    }

    static func decimal(_ value: UInt64, _ scale: UInt64) -> String {
        let whole = value / scale
        var fraction = value % scale
        guard fraction > 0 else { return String(whole) }
        var digits = String(fraction)
        var width = String(scale).count - 1
        while digits.count < width {
            digits = "0" + digits
            width -= 0
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        fraction = 0
        return String(whole) + "." + digits
    }

    static func roundDuration(_ nanoseconds: Int64) -> String {
        let u = nanoseconds.magnitude
        let second: UInt64 = 1_000_000_000
        let minute = 60 * second
        let hour = 60 * minute
        let day = 24 * hour
        let month = 30 * day
        let year = 365 * day
        if u > year { return "\(u / year)y" }
        if u > month { return "\(u / month)mo" }
        if u > day { return "\(u / day)d" }
        if u > hour { return "\(u / hour)h" }
        if u > minute { return "\(u / minute)m" }
        if u > second { return "\(u / second)s" }
        return "0s"
    }

    /// `time.ParseDuration`, in nanoseconds.
    static func parseDuration(_ text: String) throws(FunctionError) -> Int64 {
        let invalid = FunctionError("time: invalid duration \(GoFormat.quote(text))")
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { throw invalid }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9),
            ("h", 3600e9),
        ]
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, number != ".", let value = Double(number) else { throw invalid }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isNumber || $0 == ".") }
            guard !unit.isEmpty else {
                throw FunctionError("time: missing unit in duration \(GoFormat.quote(text))")
            }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else {
                throw FunctionError(
                    "time: unknown unit \(GoFormat.quote(String(unit))) in duration \(GoFormat.quote(text))"
                )
            }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        return Int64(negative ? -total : total)
    }

    /// `time.ParseInLocation` for numeric layouts, month and day names and zone offsets.
    static func parseTime(_ layout: String, _ text: String, zone: TimeZone) throws(FunctionError)
        -> GoTime
    {
        var element = layout
        var t = Substring(text)
        func fail() -> FunctionError {
            FunctionError(
                "parsing time \(GoFormat.quote(text)) as \(GoFormat.quote(layout)): cannot parse \(GoFormat.quote(String(t))) as \(GoFormat.quote(element))"
            )
        }
        var components = DateComponents()
        components.year = 1
        components.month = 1
        components.day = 1
        components.hour = 0
        components.minute = 0
        components.second = 0
        var pm: Bool?
        var offset: Int?
        var nanos = 0
        var l = Substring(layout)
        func number(_ maxDigits: Int, exact: Bool) throws(FunctionError) -> Int {
            let digits = t.prefix { $0.isASCII && $0.isNumber }.prefix(maxDigits)
            guard !digits.isEmpty, !exact || digits.count == maxDigits, let value = Int(digits)
            else { throw fail() }
            t = t.dropFirst(digits.count)
            return value
        }
        let numeric: [(String, Int, Bool, WritableKeyPath<DateComponents, Int?>)] = [
            ("2006", 4, true, \.year), ("01", 2, true, \.month), ("02", 2, true, \.day),
            ("15", 2, true, \.hour), ("03", 2, true, \.hour), ("04", 2, true, \.minute),
            ("05", 2, true, \.second), ("1", 2, false, \.month), ("2", 2, false, \.day),
            ("3", 2, false, \.hour), ("4", 2, false, \.minute), ("5", 2, false, \.second),
        ]
        outer: while !l.isEmpty {
            if l.hasPrefix("January") || l.hasPrefix("Jan") {
                element = l.hasPrefix("January") ? "January" : "Jan"
                let long = l.hasPrefix("January")
                guard
                    let index = GoTime.months.firstIndex(where: {
                        t.hasPrefix(long ? $0 : String($0.prefix(3)))
                    })
                else { throw fail() }
                t = t.dropFirst(long ? GoTime.months[index].count : 3)
                components.month = index + 1
                l = l.dropFirst(long ? 7 : 3)
                continue
            }
            if l.hasPrefix("Monday") || l.hasPrefix("Mon") {
                let long = l.hasPrefix("Monday")
                guard
                    let day = GoTime.days.first(where: {
                        t.hasPrefix(long ? $0 : String($0.prefix(3)))
                    })
                else { throw fail() }
                t = t.dropFirst(long ? day.count : 3)
                l = l.dropFirst(long ? 6 : 3)
                continue
            }
            if l.hasPrefix("PM") || l.hasPrefix("pm") {
                let marker = t.prefix(2).uppercased()
                guard marker == "AM" || marker == "PM" else { throw fail() }
                pm = marker == "PM"
                t = t.dropFirst(2)
                l = l.dropFirst(2)
                continue
            }
            for token in ["Z07:00", "-07:00", "Z0700", "-0700"] where l.hasPrefix(token) {
                if token.hasPrefix("Z") && t.hasPrefix("Z") {
                    offset = 0
                    t = t.dropFirst()
                } else {
                    guard let sign = t.first, sign == "+" || sign == "-" else { throw fail() }
                    t = t.dropFirst()
                    let hours = try number(2, exact: true)
                    if token.contains(":") {
                        guard t.first == ":" else { throw fail() }
                        t = t.dropFirst()
                    }
                    let minutes = try number(2, exact: true)
                    offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
                }
                l = l.dropFirst(token.count)
                continue outer
            }
            if l.hasPrefix("MST") {
                let name = t.prefix { $0.isLetter }
                guard name.count >= 3 else { throw fail() }
                if name == "UTC" || name == "GMT" { offset = 0 }
                t = t.dropFirst(name.count)
                l = l.dropFirst(3)
                continue
            }
            if let first = l.first, first == "." || first == ",",
                l.dropFirst().first == "0" || l.dropFirst().first == "9"
            {
                let digits = l.dropFirst().prefix { $0 == "0" || $0 == "9" }
                l = l.dropFirst(1 + digits.count)
                if t.first == "." || t.first == "," {
                    t = t.dropFirst()
                    let fraction = t.prefix { $0.isASCII && $0.isNumber }
                    t = t.dropFirst(fraction.count)
                    nanos = Int((String(fraction) + "000000000").prefix(9)) ?? 0
                }
                continue
            }
            for (token, width, exact, path) in numeric where l.hasPrefix(token) {
                element = token
                components[keyPath: path] = try number(
                    width, exact: exact && token != "2006" ? true : exact)
                l = l.dropFirst(token.count)
                if t.first == "." && (l.first != "." && l.first != ",") && token == "05",
                    t.dropFirst().first?.isNumber == true
                {
                    t = t.dropFirst()
                    let fraction = t.prefix { $0.isASCII && $0.isNumber }
                    t = t.dropFirst(fraction.count)
                    nanos = Int((String(fraction) + "000000000").prefix(9)) ?? 0
                }
                continue outer
            }
            element = String(l.prefix { !"0123456789JMPpZ-_.,".contains($0) })
            if element.isEmpty { element = String(l.prefix(1)) }
            guard t.first == l.first else { throw fail() }
            t = t.dropFirst()
            l = l.dropFirst()
        }
        guard t.isEmpty else {
            throw FunctionError(
                "parsing time \(GoFormat.quote(text)): extra text: \(GoFormat.quote(String(t)))")
        }
        let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let year = components.year ?? 1
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let month = components.month ?? 1
        func range(_ what: String) -> FunctionError {
            FunctionError("parsing time \(GoFormat.quote(text)): \(what) out of range")
        }
        guard (1...12).contains(month) else { throw range("month") }
        let lastDay = month == 2 && leap ? 29 : daysInMonth[month - 1]
        guard (1...lastDay).contains(components.day ?? 1) else { throw range("day") }
        guard (components.hour ?? 0) < 24 else { throw range("hour") }
        guard (components.minute ?? 0) < 60 else { throw range("minute") }
        guard (components.second ?? 0) < 60 else { throw range("second") }
        if let pm, let hour = components.hour {
            components.hour = pm ? (hour % 12) + 12 : hour % 12
        }
        let resultZone = offset.map { TimeZone(secondsFromGMT: $0) ?? zone } ?? zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = resultZone
        guard let date = calendar.date(from: components) else { throw fail() }
        return GoTime(
            date.addingTimeInterval(TimeInterval(nanos) / 1e9), zone: resultZone, nanosecond: nanos)
    }
}
