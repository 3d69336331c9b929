import Foundation
import Promoter
import ShipMLTestSupport
import ShipModel
import Testing

func sampleRecord(environment: String, version: String, digestByte: Character = "a")
    throws -> ReleaseRecord
{
    var record = ReleaseRecord(
        model: .init(name: "sentiment", version: version), environment: environment,
        artifact: .init(
            reference:
                "registry.example/ml/sentiment@sha256:\(String(repeating: digestByte, count: 64))",
            digest: try Digest("sha256:\(String(repeating: digestByte, count: 64))"),
            mediaType: .imageManifest),
        promotedAt: "2026-11-29T06:00:00Z", promotedBy: "Release Bot <bot@example.com>")
    record.validation = .init(
        blessing: try Digest("sha256:\(String(repeating: "b", count: 64))"), result: "PASSED",
        summary: "12 checks passed")
    return record
}

struct ReleaseRecordTests {
    @Test func aRecordReadsBackAsWritten() throws {
        let record = try sampleRecord(environment: "prod", version: "1.2.0")
        let yaml = try record.yaml()
        #expect(yaml.hasPrefix("apiVersion: shipml.dev/v1\nkind: Release\nmodel:\n"))
        #expect(try ReleaseRecord.parse(yaml, file: "release.yaml") == record)
        #expect(try record.yaml() == yaml, "the same record gives the same bytes")
    }

    @Test(arguments: [
        (
            "apiVersion: shipml.dev/v9\nkind: Release\n",
            "apiVersion: this shipml reads shipml.dev/v1, the file says shipml.dev/v9; upgrade shipml"
        ),
        ("apiVersion: shipml.dev/v1\nkind: Deployment\n", "kind: expected Release, got Deployment"),
        ("- a\n- b\n", "is not a YAML mapping"),
        (
            "apiVersion: shipml.dev/v1\nkind: Release\nenvironment: prod\n",
            "model: required field is missing"
        ),
        (
            "apiVersion: shipml.dev/v1\nkind: Release\nmodel: {name: m, version: '1'}\nenvironment: prod\nartifact: {reference: r, digest: md5:x}\npromotedAt: t\npromotedBy: b\n",
            "artifact.digest:"
        ),
    ])
    func badRecordsNameTheFileAndField(text: String, expected: String) {
        #expect {
            _ = try ReleaseRecord.parse(text, file: "environments/prod/m/release.yaml")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("environments/prod/m/release.yaml: ")
                && description.contains(expected)
        }
    }
}

struct PromotionMessageTests {
    let message = PromotionMessage(
        model: "sentiment", version: "1.2.0", environment: "prod",
        changes: ["artifact sha256:aaa → sha256:bbb", "version 1.1.0 → 1.2.0"],
        trailers: [
            ("Shipml-Release", "sha256:bbb"), ("Shipml-Model", "sentiment"),
            ("Shipml-From", "staging"), ("Shipml-To", "prod"),
            ("Shipml-Reason", "quarterly\nrelease"),
        ])

    @Test func theMessageReadsBack() throws {
        #expect(message.subject == "promote(sentiment): 1.2.0 → prod")
        let parsed = try #require(PromotionMessage.parse(message.text))
        #expect(parsed.model == "sentiment")
        #expect(parsed.version == "1.2.0")
        #expect(parsed.environment == "prod")
        #expect(parsed.changes == message.changes)
        #expect(parsed.trailer("shipml-reason") == "quarterly release")
        #expect(PromotionMessage.parse("fix typo\n\nSigned-off-by: a <a@b>\n") == nil)
    }

    /// git itself reads the same trailers.
    @Test func gitReadsTheSameTrailers() throws {
        let parsed = try ProcessRunner.run(
            ["git", "interpret-trailers", "--parse"], input: Data(message.text.utf8))
        #expect(parsed.succeeded, "\(parsed.stderr)")
        let ours = PromotionMessage.trailers(of: message.text).map { "\($0.key): \($0.value)" }
        #expect(parsed.stdout.split(separator: "\n").map(String.init) == ours)
    }
}

/// The same behaviour from git and from the in-memory twin.
struct StateRepositoryTests {
    enum Kind: String, CaseIterable { case git, memory }

    func make(_ kind: Kind, _ scratch: ScratchDirectory) throws -> any StateRepository {
        switch kind {
        case .git:
            return GitStateRepository(
                try GitRepository.create(at: scratch.path("state"), initialBranch: "main"))
        case .memory:
            return InMemoryStateRepository()
        }
    }

    func promote(
        _ repository: any StateRepository, _ record: ReleaseRecord, parent: String?
    ) throws -> String {
        let message = PromotionMessage(
            model: record.model.name, version: record.model.version,
            environment: record.environment,
            trailers: [("Shipml-Release", record.artifact.digest.description)])
        return try repository.commit(
            writing: [
                StatePaths.release(environment: record.environment, model: record.model.name):
                    Data(try record.yaml().utf8)
            ], removing: [], parent: parent, message: message.text, author: releaseBot)
    }

    @Test(arguments: Kind.allCases)
    func releasesAndHistoryAreReadFromCommits(kind: Kind) throws {
        let scratch = try ScratchDirectory()
        let repository = try make(kind, scratch)
        #expect(try ReleaseState(repository).releases().isEmpty)
        let staging = try sampleRecord(environment: "staging", version: "1.1.0")
        let first = try promote(repository, staging, parent: nil)
        let prod = try sampleRecord(environment: "prod", version: "1.1.0")
        let second = try promote(repository, prod, parent: first)
        let newer = try sampleRecord(environment: "staging", version: "1.2.0", digestByte: "c")
        let third = try promote(repository, newer, parent: second)

        let state = ReleaseState(repository)
        #expect(try state.releases().map(\.environment) == ["prod", "staging"])
        #expect(try state.release(environment: "staging", model: "sentiment") == newer)
        let history = try state.history()
        #expect(history.map(\.commit) == [third, second, first])
        #expect(
            try state.history(environment: "staging").map(\.message.version) == ["1.2.0", "1.1.0"])
        #expect(try state.history(limit: 1).map(\.commit) == [third])
        #expect(
            history.first?.message.trailer("Shipml-Release") == newer.artifact.digest.description)
    }

    @Test(arguments: Kind.allCases)
    func aWriterWhoseParentIsStaleIsRefused(kind: Kind) throws {
        let scratch = try ScratchDirectory()
        let repository = try make(kind, scratch)
        let first = try promote(
            repository, try sampleRecord(environment: "dev", version: "1"), parent: nil)
        _ = try promote(
            repository, try sampleRecord(environment: "dev", version: "2"), parent: first)
        #expect(throws: StateConflict.self) {
            _ = try promote(
                repository, try sampleRecord(environment: "dev", version: "3"), parent: first)
        }
        #expect(
            try ReleaseState(repository).release(environment: "dev", model: "sentiment")?.model
                .version == "2")
    }

    /// What the git CLI sees of a promotion made through libgit2.
    @Test func gitSeesTheCommitAndTheFile() throws {
        let scratch = try ScratchDirectory()
        let repository = try make(.git, scratch)
        let record = try sampleRecord(environment: "prod", version: "1.0.0")
        _ = try promote(repository, record, parent: nil)
        let path = scratch.path("state")
        #expect(try gitCLI("log", "--format=%s", in: path) == "promote(sentiment): 1.0.0 → prod\n")
        #expect(
            try gitCLI("log", "--format=%(trailers:key=Shipml-Release,valueonly)", in: path)
                .trimmingCharacters(in: .whitespacesAndNewlines)
                == record.artifact.digest.description)
        #expect(
            try gitCLI("show", "main:environments/prod/sentiment/release.yaml", in: path)
                == (try record.yaml()))
        try gitCLI("fsck", "--strict", in: path)
    }
}
