import ArgumentParser
import Testing

@testable import shipml

/// Every command line ``QuickCommandLine`` reads, ArgumentParser reads the same way; the
/// rest it leaves to ArgumentParser.
struct QuickCommandLineTests {
    @Test(arguments: [
        ["history"],
        ["history", "--env", "prod", "--limit", "50"],
        ["history", "--env=prod", "--limit=7", "--model", "sentiment", "--json"],
        ["history", "--state", "/tmp/state.git", "-q", "--no-color", "--config", "x.yaml"],
        ["history", "--config=other.yaml", "--verbose", "--limit", "+3"],
        ["history", "--since", "7d", "--env", "prod"], ["history", "--since=2026-01-01T00:00:00Z"],
        ["history", "--model", "m", "--env", "e"],
    ])
    func historyIsReadAsArgumentParserReadsIt(arguments: [String]) throws {
        let quick = try #require(QuickCommandLine.read(arguments))
        let parsed = try History.parse(Array(arguments.dropFirst()))
        #expect(quick == .history(parsed.request))
    }

    @Test(arguments: [
        ["status"], ["status", "--json"], ["status", "--state", "s.git", "-v"],
        ["status", "--state=https://git.example/state.git", "--no-color", "-q"],
        ["status", "--env", "prod", "--model", "m", "--output", "wide"],
        ["status", "--output=yaml", "--cache", "c"], ["status", "--json", "--output", "json"],
    ])
    func statusIsReadAsArgumentParserReadsIt(arguments: [String]) throws {
        let quick = try #require(QuickCommandLine.read(arguments))
        let parsed = try Status.parse(Array(arguments.dropFirst()))
        #expect(quick == .status(parsed.request))
    }

    /// Help, errors and anything less plain go to ArgumentParser, which answers in its words.
    @Test(arguments: [
        ["history", "--help"], ["history", "-h"], ["history", "--limit", "0"],
        ["history", "--limit", "many"], ["history", "--env"], ["history", "--env", "--json"],
        ["history", "--env", "a", "--env", "b"], ["history", "-qv"], ["history", "-q", "-v"],
        ["history", "--json", "--json"], ["history", "--since", "soon"], ["history", "prod"],
        ["history", "--", "--env"], ["history", "--env="], ["history", "--json=true"],
        ["status", "-o", "wide"], ["status", "--output", "tabel"],
        ["status", "--json", "--output", "yaml"],
        ["status", "--generate-completion-script", "bash"],
        ["promote", "--to", "prod"], ["--version"], [],
    ])
    func everythingElseGoesToArgumentParser(arguments: [String]) {
        #expect(QuickCommandLine.read(arguments) == nil)
    }
}
