/// The functions a Helm template can call besides Go's built-ins and Helm's template-bound
/// ones (`include`, `tpl`, `required`, `lookup`, `fromYaml`, `fromYamlArray`).
public enum HelmFunctions {
    /// Sprig v3.3.0's `genericMap` as Helm exposes it: without `env` and `expandenv`, with
    /// `getHostByName` returning "" (Helm without `--enable-dns`).
    /// - Parameters:
    ///   - clock: where `now` and the date functions take the time and the local zone from.
    ///   - random: where `rand*`, `shuffle`, `uuidv4`, `randBytes`, salts and keys come from.
    /// - Returns: the functions by name.
    public static func sprig(clock: Clock = .system, random: RandomSource = RandomSource())
        -> FunctionMap
    {
        var map: FunctionMap = [:]
        let families: [FunctionMap] = [
            SprigStrings.functions(random: random),
            SprigNumeric.functions(random: random),
            SprigLists.functions(),
            SprigDicts.functions(),
            SprigDefaults.functions(),
            SprigRegex.functions(),
            SprigSemver.functions(),
            SprigDates.functions(clock: clock),
            SprigCrypto.functions(random: random),
            SprigCiphers.functions(random: random),
            SprigCertificates.functions(),
            SprigURL.functions(),
        ]
        for family in families {
            map.merge(family) { _, new in new }
        }
        map.merge(sprigJSON) { _, new in new }
        return map
    }

    /// Helm's own data functions: `toYaml`, `mustToYaml`, `toYamlPretty`, `toJson`,
    /// `mustToJson`, `fromJson`, `fromJsonArray`, `toToml`, `mustToToml`, `fromToml`, and the
    /// JSON functions Sprig contributes that Helm keeps (`toPrettyJson`, `toRawJson`,
    /// `mustFromJson`, ...). Merge it after `sprig`: Helm's versions replace Sprig's.
    public static var data: FunctionMap { DataFunctions.functions() }

    /// Both maps, Helm's data functions winning.
    public static func all(clock: Clock = .system, random: RandomSource = RandomSource())
        -> FunctionMap
    {
        sprig(clock: clock, random: random).merging(data) { _, new in new }
    }

    /// Sprig's own JSON functions (Helm replaces toJson, mustToJson and fromJson with its
    /// versions in `data`).
    static var sprigJSON: FunctionMap {
        let data = DataFunctions.functions()
        var map: FunctionMap = [:]
        for name in [
            "toJson", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson",
            "mustToRawJson", "mustFromJson",
        ] {
            map[name] = data[name]
        }
        map["fromJson"] = .pure([.string]) { arguments in
            (try? JSONCodec.unmarshal(arguments.string(0))) ?? .null
        }
        return map
    }
}
