import Foundation
import Promoter
import ShipModel
import Testing

/// A project with a three-stage path; prod's gates are given by each test.
func project(prodGates: String = "") throws -> Project {
    let text = """
        apiVersion: shipml/v1
        model:
          name: sentiment
          version: 1.2.0
          path: model
        environments:
          - name: dev
          - name: staging
            from: dev
          - name: prod
            from: staging
        """ + (prodGates.isEmpty ? "" : "\n    gates:\n" + prodGates) + "\n"
    return try ProjectParser.parse(text, file: "shipml.yaml")
}

/// Renders one file that names the environment and the artifact, as a real overlay would.
struct FakeRenderer: ManifestRenderer {
    func render(environment: EnvironmentSpec, release: ReleaseRecord) throws -> [ManifestFile] {
        [
            ManifestFile(
                name: "apps_v1_deployment_sentiment.yaml",
                text:
                    "namespace: \(environment.namespace ?? environment.name)\nimage: \(release.artifact.reference)\n"
            )
        ]
    }
}

let blessing = Digest(sha256: [UInt8](repeating: 1, count: 32))
let policyDigest = Digest(sha256: [UInt8](repeating: 2, count: 32))

func candidate(
    version: String = "1.2.0", byte: String = "a", result: String = "PASSED",
    policy: Digest? = policyDigest
) throws -> ReleaseRecord {
    let digest = try Digest("sha256:" + String(repeating: byte, count: 64))
    var record = ReleaseRecord(
        model: .init(name: "sentiment", version: version), environment: "",
        artifact: .init(reference: "registry.example/ml/sentiment@\(digest)", digest: digest),
        promotedAt: "", promotedBy: "")
    record.validation = .init(blessing: blessing, result: result, policy: policy)
    return record
}

/// Thursday 2026-11-26 11:00 in Berlin (10:00 UTC).
let thursdayMorning = Date(timeIntervalSince1970: 1_795_687_200)

/// Plans and, when allowed and changed, commits a promotion on the in-memory repository.
@discardableResult
func promote(
    _ repository: InMemoryStateRepository, _ project: Project, to target: String,
    from source: String? = nil, candidate: ReleaseRecord? = nil, actor: String = "carol",
    at now: Date = thursdayMorning, automatic: Bool = false
) throws -> PromotionPlan {
    let environment = try #require(project.environment(named: target))
    let request = PromotionRequest(
        model: "sentiment", target: environment, sourceEnvironment: source, candidate: candidate,
        actor: actor, promotedBy: "\(actor) <\(actor)@example.com>", reason: "test", now: now,
        automatic: automatic, requiredPolicy: policyDigest)
    let tip = try repository.tip()
    let snapshot = try StateSnapshot.read(repository, at: tip, request: request)
    let plan = try PromotionPlanner.plan(request, snapshot: snapshot, renderer: FakeRenderer())
    if plan.allowed && plan.changed {
        _ = try repository.commit(
            writing: plan.files, removing: plan.removing, parent: tip, message: plan.message.text,
            author: Signature(name: actor, email: "\(actor)@example.com", time: now))
    }
    return plan
}

func approve(
    _ repository: InMemoryStateRepository, _ approver: String, release: ReleaseRecord,
    environment: String = "prod"
) throws {
    let approval = Approval(
        environment: environment, model: "sentiment", release: release.artifact.digest,
        approver: approver, approvedAt: "2026-11-26T08:00:00Z")
    _ = try repository.commit(
        writing: [approval.path: Data(try approval.yaml().utf8)], removing: [],
        parent: try repository.tip(), message: "approve",
        author: Signature(name: approver, email: "a@b"))
}

/// Promotes a candidate through dev and staging, staging at `stagedAt`.
func staged(_ project: Project, stagedAt: Date) throws -> InMemoryStateRepository {
    let repository = InMemoryStateRepository()
    try promote(repository, project, to: "dev", candidate: try candidate(), at: stagedAt)
    try promote(repository, project, to: "staging", from: "dev", at: stagedAt)
    return repository
}

struct PromotionPlanTests {
    @Test func aNewReleaseEntersTheFirstStageAndRepeatingItChangesNothing() throws {
        let repository = InMemoryStateRepository()
        let project = try project()
        let plan = try promote(repository, project, to: "dev", candidate: try candidate())
        #expect(plan.allowed && plan.changed)
        #expect(plan.verdicts.map(\.gate) == ["from"])
        let tip = try #require(try repository.tip())
        let release = try #require(
            try repository.readFile(
                "environments/dev/sentiment/release.yaml", at: tip))
        let record = try ReleaseRecord.parse(String(decoding: release, as: UTF8.self), file: "r")
        #expect(record.environment == "dev" && record.promotedBy == "carol <carol@example.com>")
        #expect(plan.message.subject == "promote(sentiment): 1.2.0 → dev")
        #expect(plan.message.trailer("Shipml-From") == "new")
        #expect(plan.message.trailer("Shipml-Gate-from")?.hasPrefix("pass") == true)

        let again = try promote(repository, project, to: "dev", candidate: try candidate())
        #expect(again.allowed && !again.changed)
        #expect(try repository.tip() == tip)
    }

    @Test func manifestsAreRenderedForTheTargetNotCopied() throws {
        let project = try project()
        let repository = try staged(project, stagedAt: thursdayMorning)
        let tip = try #require(try repository.tip())
        let manifest = try #require(
            try repository.readFile(
                "environments/staging/sentiment/manifests/apps_v1_deployment_sentiment.yaml",
                at: tip))
        #expect(String(decoding: manifest, as: UTF8.self).hasPrefix("namespace: staging\n"))
        let promotion = try #require(try ReleaseState(repository).history(limit: 1).first)
        #expect(promotion.message.trailer("Shipml-From") == "dev")
        #expect(promotion.message.trailer("Shipml-To") == "staging")
    }

    @Test func fromRefusesAnEnvironmentNotListedAndAMissingRelease() throws {
        let project = try project()
        let repository = InMemoryStateRepository()
        let empty = try promote(repository, project, to: "staging", from: "dev")
        #expect(empty.refusal?.failing.map(\.gate) == ["from"])
        #expect(empty.refusal?.description.contains("dev runs no release") == true)
        try promote(repository, project, to: "dev", candidate: try candidate())
        let skip = try promote(repository, project, to: "prod", from: "dev")
        #expect(skip.refusal?.failing.first?.remedy == "promote with --from staging")
        let noSource = try promote(repository, project, to: "staging", candidate: try candidate())
        #expect(noSource.verdicts.first?.passed == false)
    }

    @Test func aRefusalNamesEveryFailingGate() throws {
        let project = try project(
            prodGates: """
                      requireValidation: true
                      soak: 2h
                      approvals: {count: 1, from: [alice, bob]}
                      windows:
                        - days: mon-fri
                          hours: 09:00-17:00
                          timezone: Europe/Berlin
                      freeze:
                        - from: 2026-11-26T00:00:00Z
                          to: 2026-11-27T00:00:00Z
                          reason: Black Friday
                      requireLint: true
                """)
        let sunday = Date(timeIntervalSince1970: 1_795_946_400)  // 2026-11-29 10:00 UTC
        let repository = try staged(project, stagedAt: thursdayMorning)
        // Soak fails on Thursday, windows on Sunday: check both days.
        let thursday = try promote(repository, project, to: "prod", from: "staging")
        #expect(
            thursday.refusal?.failing.map(\.gate) == [
                "soak", "approvals", "freeze", "requireLint",
            ])
        let text = try #require(thursday.refusal?.description)
        #expect(text.contains("freeze: frozen: Black Friday"))
        #expect(text.contains("soak: it has run in staging for 0s of 2h; wait 2h"))
        let later = try promote(repository, project, to: "prod", from: "staging", at: sunday)
        #expect(later.refusal?.failing.map(\.gate) == ["approvals", "windows", "requireLint"])
        #expect(
            try repository.list("environments", at: try #require(try repository.tip()))
                == ["dev", "staging"])
    }

    @Test func everyGatePassing() throws {
        let project = try project(
            prodGates: """
                      requireValidation: {policy: policy.yaml}
                      soak: 1h
                      approvals: {count: 2}
                      windows:
                        - days: mon-fri
                          hours: 09:00-17:00
                          timezone: Europe/Berlin
                      freeze:
                        - from: 2026-12-20T00:00:00Z
                          to: 2027-01-02T00:00:00Z
                          reason: holidays
                """)
        let repository = try staged(project, stagedAt: thursdayMorning.addingTimeInterval(-7200))
        let release = try candidate()
        try approve(repository, "alice", release: release)
        try approve(repository, "bob", release: release)
        let plan = try promote(repository, project, to: "prod", from: "staging")
        #expect(plan.allowed, "\(plan.refusal?.description ?? "")")
        #expect(
            plan.verdicts.map(\.gate) == [
                "from", "requireValidation", "soak", "approvals", "windows", "freeze",
            ])
        #expect(plan.message.trailer("Shipml-Gate-soak") == "pass: it has run in staging for 2h")
        #expect(plan.record?.previous == nil)
    }

    @Test func validationMustHavePassedUnderThePolicy() throws {
        let project = try project(prodGates: "          requireValidation: {policy: p.yaml}")
        let failed = InMemoryStateRepository()
        try promote(failed, project, to: "dev", candidate: try candidate(result: "FAILED"))
        try promote(failed, project, to: "staging", from: "dev")
        let refused = try promote(failed, project, to: "prod", from: "staging")
        #expect(refused.refusal?.failing.first?.reason.contains("says FAILED") == true)

        let otherPolicy = InMemoryStateRepository()
        try promote(
            otherPolicy, project, to: "dev",
            candidate: try candidate(policy: Digest(sha256: [UInt8](repeating: 3, count: 32))))
        try promote(otherPolicy, project, to: "staging", from: "dev")
        let wrong = try promote(otherPolicy, project, to: "prod", from: "staging")
        #expect(wrong.refusal?.failing.first?.reason.contains("not p.yaml") == true)
    }

    @Test func approvalsExcludeThePromoterAndStrangers() throws {
        let project = try project(
            prodGates: "          approvals: {count: 1, from: [alice, carol]}")
        let repository = try staged(project, stagedAt: thursdayMorning)
        let release = try candidate()
        try approve(repository, "carol", release: release)
        try approve(repository, "mallory", release: release)
        let refused = try promote(repository, project, to: "prod", from: "staging", actor: "carol")
        let reason = try #require(refused.refusal?.failing.first?.reason)
        #expect(reason.contains("0 of 1"))
        #expect(reason.contains("carol (the promoter)") && reason.contains("mallory (not allowed)"))
        try approve(repository, "alice", release: release)
        #expect(
            try promote(repository, project, to: "prod", from: "staging", actor: "carol").allowed)
    }

    @Test(arguments: [
        // 2026-11-26 is a Thursday; windows in Europe/Berlin (UTC+1 in November).
        ("mon-fri", "09:00-17:00", 1_795_687_200.0, true),  // Thu 11:00
        ("mon-fri", "09:00-17:00", 1_795_723_200.0, false),  // Thu 21:00
        ("sat", "09:00-17:00", 1_795_687_200.0, false),  // Thu 11:00, Saturday only
        ("thu", "22:00-02:00", 1_795_730_400.0, true),  // Thu 23:00, past-midnight window
        ("thu", "22:00-02:00", 1_795_734_000.0, true),  // Fri 00:00, the morning after
        ("wed", "22:00-02:00", 1_795_734_000.0, false),  // Fri 00:00, not after a Wednesday
    ])
    func windows(days: String, hours: String, at time: Double, passes: Bool) throws {
        let project = try project(
            prodGates: """
                      windows:
                        - days: \(days)
                          hours: \(hours)
                          timezone: Europe/Berlin
                """)
        let repository = try staged(project, stagedAt: thursdayMorning)
        let plan = try promote(
            repository, project, to: "prod", from: "staging",
            at: Date(timeIntervalSince1970: time))
        #expect(plan.allowed == passes, "\(plan.verdicts)")
    }

    @Test func autoPromoteOnlyWhereAllowed() throws {
        let manual = try project()
        let repository = try staged(manual, stagedAt: thursdayMorning)
        let refused = try promote(repository, manual, to: "prod", from: "staging", automatic: true)
        #expect(refused.refusal?.failing.map(\.gate) == ["autoPromote"])
        let automatic = try project(prodGates: "          autoPromote: true")
        #expect(
            try promote(repository, automatic, to: "prod", from: "staging", automatic: true).allowed
        )
    }

    @Test func aNewVersionRecordsThePreviousOneAndTheChanges() throws {
        let project = try project()
        let repository = InMemoryStateRepository()
        try promote(repository, project, to: "dev", candidate: try candidate())
        let plan = try promote(
            repository, project, to: "dev", candidate: try candidate(version: "1.3.0", byte: "b"))
        #expect(plan.record?.previous?.version == "1.2.0")
        #expect(plan.message.changes.first == "version: 1.2.0 → 1.3.0")
        #expect(plan.message.changes.contains("manifests: 1 changed, 0 added, 0 removed"))
        #expect(plan.manifestDiff.contains("-image: registry.example/ml/sentiment@sha256:aaaa"))
        #expect(plan.manifestDiff.contains("+image: registry.example/ml/sentiment@sha256:bbbb"))
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (951_782_400.0, "2000-02-29T00:00:00Z"),
        (1_795_687_200.9, "2026-11-26T10:00:00Z"), (-1.0, "1969-12-31T23:59:59Z"),
    ])
    func rfc3339Dates(seconds: Double, text: String) {
        #expect(rfc3339(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func unifiedDiffHunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 10\n", with: "line ten\n")
        let diff = UnifiedDiff.make(old: old, new: new, oldName: "a/f", newName: "b/f")
        #expect(
            diff == """
                --- a/f
                +++ b/f
                @@ -7,7 +7,7 @@
                 line 7
                 line 8
                 line 9
                -line 10
                +line ten
                 line 11
                 line 12
                 line 13

                """)
        #expect(
            UnifiedDiff.make(old: nil, new: "a\n", oldName: "a/f", newName: "b/f")
                == "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n")
    }
}

/// A renderer that lints: what it finds decides `requireLint`.
struct LintingRenderer: ManifestRenderer {
    var errors: [String]
    func render(environment: EnvironmentSpec, release: ReleaseRecord) throws -> [ManifestFile] {
        try FakeRenderer().render(environment: environment, release: release)
    }
    func lintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws -> [String]? {
        #expect(manifests.map(\.name) == ["apps_v1_deployment_sentiment.yaml"])
        return errors
    }
}

@Suite("requireLint")
struct RequireLintTests {
    @Test(arguments: [[], ["probes: Deployment/sentiment spec.template: no readinessProbe"]])
    func theGateLintsTheManifestsThePromotionRenders(errors: [String]) throws {
        let project = try project(prodGates: "      requireLint: true\n")
        let repository = try staged(project, stagedAt: thursdayMorning)
        let environment = try #require(project.environment(named: "prod"))
        let request = PromotionRequest(
            model: "sentiment", target: environment, sourceEnvironment: "staging",
            actor: "carol", promotedBy: "carol <carol@example.com>", now: thursdayMorning)
        let snapshot = try StateSnapshot.read(
            repository, at: try repository.tip(), request: request)
        let plan = try PromotionPlanner.plan(
            request, snapshot: snapshot, renderer: LintingRenderer(errors: errors))
        let verdict = try #require(plan.verdicts.first { $0.gate == "requireLint" })
        #expect(verdict.passed == errors.isEmpty)
        if let error = errors.first {
            #expect(verdict.reason == "1 lint error: \(error)")
            #expect(verdict.remedy?.contains("shipml lint") == true)
        }
    }

    @Test func statusBeforeRenderingDoesNotBlockOnLint() throws {
        let environment = try #require(
            try project(prodGates: "      requireLint: true\n").environment(named: "prod"))
        let verdicts = GateCheck.verdicts(
            GateInputs(
                target: environment, sourceEnvironment: "staging", release: nil, actor: "carol",
                now: thursdayMorning))
        #expect(verdicts.first { $0.gate == "requireLint" }?.passed == true)
    }
}
