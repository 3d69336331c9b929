import Foundation
import ShipMLTestSupport
import Testing

/// `shipml promote`, `approve` and `rollback` against a bare remote, checked with the git CLI.
struct PromoteCommandTests {
    static let gitEnvironment: [String: String?] = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]

    /// A project with dev → staging → prod, kustomize overlays per environment, and its
    /// state in a bare repository beside it (`remote.git`, given as a file:// URL).
    @discardableResult
    static func makeProject(
        _ scratch: ScratchDirectory, prodGates: String = "      approvals: 1\n",
        repository: String? = nil
    ) throws -> String {
        let remote = scratch.path("remote.git")
        try git(["init", "--quiet", "--bare", "--initial-branch=main", remote])
        _ = try scratch.write(
            "project/shipml.yaml",
            """
            apiVersion: shipml/v1
            model:
              name: sentiment
              version: 1.2.0
              path: model
            deploy:
              kustomize: deploy/base
            environments:
              - name: dev
                overlay: deploy/dev
              - name: staging
                from: dev
                overlay: deploy/staging
              - name: prod
                from: staging
                overlay: deploy/prod
                gates:
            \(prodGates)
            state:
              repository: \(repository ?? "file://" + remote)
              branch: main

            """)
        _ = try scratch.write(
            "project/deploy/base/kustomization.yaml", "resources:\n- deployment.yaml\n")
        _ = try scratch.write(
            "project/deploy/base/deployment.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: sentiment
            spec:
              replicas: 1

            """)
        for (environment, replicas) in [("dev", 1), ("staging", 2), ("prod", 3)] {
            _ = try scratch.write(
                "project/deploy/\(environment)/kustomization.yaml",
                """
                resources:
                - ../base
                namespace: \(environment)
                replicas:
                - name: sentiment
                  count: \(replicas)

                """)
        }
        return remote
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String? = nil) throws -> String {
        let result = try ProcessRunner.run(
            ["git"] + arguments, in: directory, environment: gitEnvironment)
        try #require(result.succeeded, "git \(arguments): \(result.stderr)")
        return result.stdout
    }

    static func shipml(
        _ arguments: [String], in scratch: ScratchDirectory, as actor: String = "carol",
        token: String? = nil
    ) throws -> ProcessResult {
        try ShipMLExecutable.run(
            arguments, in: scratch.path("project"),
            environment: [
                "GIT_AUTHOR_NAME": actor, "GIT_AUTHOR_EMAIL": "\(actor)@example.com",
                "SHIPML_GIT_TOKEN": token, "GITHUB_ACTOR": nil,
            ])
    }

    static func artifact(_ byte: Character) -> String {
        "registry.example/ml/sentiment@sha256:" + String(repeating: byte, count: 64)
    }

    @Test func promoteApproveRollback() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)

        let first = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("a"), "--reason", "first"],
            in: scratch)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("promoted sentiment 1.2.0 to dev"))
        let subject = try Self.git(["--git-dir", remote, "log", "-1", "--format=%s"])
        #expect(subject == "promote(sentiment): 1.2.0 → dev\n")
        let trailers = try Self.git([
            "--git-dir", remote, "log", "-1", "--format=%(trailers:key=Shipml-To,valueonly)",
        ])
        #expect(trailers.hasPrefix("dev"))
        let author = try Self.git(["--git-dir", remote, "log", "-1", "--format=%an <%ae>"])
        #expect(author == "carol <carol@example.com>\n")
        let manifest = try Self.git([
            "--git-dir", remote, "show",
            "main:environments/dev/sentiment/manifests/apps_v1_deployment_sentiment.yaml",
        ])
        #expect(manifest.contains("namespace: dev"))

        // The same promotion again changes nothing and makes no commit.
        let again = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("a")], in: scratch)
        #expect(again.status == 0 && again.stdout.contains("no commit"), "\(again.stderr)")
        #expect(try Self.git(["--git-dir", remote, "rev-list", "--count", "main"]) == "1\n")

        // A dry run shows the staging manifests as they would be, rendered for staging.
        let dry = try Self.shipml(["promote", "--to", "staging", "--dry-run"], in: scratch)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("+  namespace: staging"))
        #expect(dry.stdout.contains("+  replicas: 2"))
        #expect(try Self.git(["--git-dir", remote, "rev-list", "--count", "main"]) == "1\n")

        #expect(try Self.shipml(["promote", "--to", "staging"], in: scratch).status == 0)

        // prod needs one approval by someone other than the promoter.
        let refused = try Self.shipml(
            ["promote", "--to", "prod", "--plan-json", "plan.json"], in: scratch)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused by approvals"))
        #expect(refused.stderr.contains("shipml approve --env prod --release sha256:aaaa"))
        let plan = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.path("project/plan.json"))))
        #expect((plan as? [String: Any])?["allowed"] as? Bool == false)

        let dryRefusal = try Self.shipml(["promote", "--to", "prod", "--dry-run"], in: scratch)
        #expect(dryRefusal.status == 1)
        #expect(dryRefusal.stdout.contains("FAIL  approvals: 0 of 1 approvals"))
        #expect(dryRefusal.stdout.contains("+  namespace: prod"))

        let status = try Self.shipml(["status", "--json"], in: scratch)
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(
            try JSONSerialization.jsonObject(with: status.stdoutData) as? [[String: Any]])
        let staging = try #require(rows.first { $0["environment"] as? String == "staging" })
        let next = try #require((staging["next"] as? [[String: Any]])?.first)
        #expect(next["to"] as? String == "prod" && next["allowed"] as? Bool == false)
        let text = try Self.shipml(["status"], in: scratch)
        #expect(text.stdout.contains("→ prod: blocked by approvals"), "\(text.stdout)")

        let own = try Self.shipml(
            [
                "approve", "--env", "prod", "--release",
                "sha256:" + String(repeating: "a", count: 64),
            ],
            in: scratch)
        #expect(own.status == 0, "\(own.stderr)")
        #expect(try Self.shipml(["promote", "--to", "prod"], in: scratch).status == 1)
        let approved = try Self.shipml(
            [
                "approve", "--env", "prod", "--release",
                "sha256:" + String(repeating: "a", count: 64),
            ],
            in: scratch, as: "alice")
        #expect(approved.status == 0, "\(approved.stderr)")
        let promoted = try Self.shipml(["promote", "--to", "prod"], in: scratch)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        let prod = try Self.git([
            "--git-dir", remote, "show",
            "main:environments/prod/sentiment/manifests/apps_v1_deployment_sentiment.yaml",
        ])
        #expect(prod.contains("replicas: 3") && prod.contains("namespace: prod"))

        // A new dev release, then a rollback to the one before.
        let newer = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("b"), "--version", "1.3.0"],
            in: scratch)
        #expect(newer.status == 0, "\(newer.stderr)")
        let rollback = try Self.shipml(
            ["rollback", "--env", "dev", "--reason", "slow"], in: scratch)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        let record = try Self.git([
            "--git-dir", remote, "show", "main:environments/dev/sentiment/release.yaml",
        ])
        #expect(record.contains(String(repeating: "a", count: 64)))
        #expect(record.contains("rollback: slow"))
        let history = try Self.shipml(
            ["history", "--state", remote, "--env", "dev", "--limit", "1"], in: scratch)
        #expect(history.stdout.contains("promote(sentiment): 1.2.0 → dev"), "\(history.stderr)")
        try Self.git(["--git-dir", remote, "fsck", "--strict"])
    }

    /// An environment the project does not name is searched for (it may be a retired one),
    /// with a warning in case it is a typo.
    @Test func historyOfAnEnvironmentTheProjectDoesNotName() throws {
        let scratch = try ScratchDirectory()
        try Self.makeProject(scratch)
        let promoted = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("a")], in: scratch)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        let typo = try Self.shipml(["history", "--env", "prd"], in: scratch)
        #expect(typo.status == 0)
        #expect(typo.stdout == "no promotions to prd\n")
        #expect(typo.stderr.contains("names no environment \"prd\" (did you mean \"prod\"?)"))
        let known = try Self.shipml(["history", "--env", "dev"], in: scratch)
        #expect(known.stderr.isEmpty && known.stdout.contains("1.2.0 → dev"))
    }

    /// status renders and lints what the next promotion would write, and says what promote
    /// would then say.
    @Test func statusChecksRequireLintAsPromoteWould() throws {
        let scratch = try ScratchDirectory()
        try Self.makeProject(scratch, prodGates: "      requireLint: true\n")
        // Containers with no resource requests: lint errors in production.
        _ = try scratch.write("project/deploy/base/deployment.yaml", PromoteImageTests.deployment)
        for (arguments, name) in [
            (["promote", "--to", "dev", "--artifact", Self.artifact("a")], "dev"),
            (["promote", "--to", "staging"], "staging"),
        ] {
            let result = try Self.shipml(arguments, in: scratch)
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
        let status = try Self.shipml(["status"], in: scratch)
        #expect(status.stdout.contains("→ prod: blocked by requireLint"), "\(status.stdout)")
        let json = try Self.shipml(["status", "--json"], in: scratch)
        let rows = try #require(
            try JSONSerialization.jsonObject(with: json.stdoutData) as? [[String: Any]])
        let staging = try #require(rows.first { $0["environment"] as? String == "staging" })
        let next = try #require((staging["next"] as? [[String: Any]])?.first)
        let lint = try #require(
            (next["verdicts"] as? [[String: Any]])?.first { $0["gate"] as? String == "requireLint" }
        )
        #expect(lint["passed"] as? Bool == false)
        #expect((lint["reason"] as? String)?.contains("no cpu or memory request") == true)
        let dry = try Self.shipml(["promote", "--to", "prod", "--dry-run"], in: scratch)
        #expect(dry.status == 1)
        #expect(dry.stdout.contains("FAIL  requireLint"), "\(dry.stdout)")
    }

    @Test func badInputExitsTwo() throws {
        let scratch = try ScratchDirectory()
        try Self.makeProject(scratch)
        let unknown = try Self.shipml(["promote", "--to", "qa"], in: scratch)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no environment \"qa\""))
        let noArtifact = try Self.shipml(["promote", "--to", "dev"], in: scratch)
        #expect(noArtifact.status == 2)
        #expect(noArtifact.stderr.contains("--artifact"))
        let badDigest = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", "registry.example/x@sha256:zz"], in: scratch)
        #expect(badDigest.status == 2)
        let nothing = try Self.shipml(["rollback", "--env", "dev"], in: scratch)
        #expect(nothing.status == 2 && nothing.stderr.contains("nothing to roll back"))
    }

    /// Eight processes race to one remote: every promotion lands exactly once, on a linear
    /// history, with no force-push. Six have caches of their own, as CI runners on different
    /// machines would; two share a cache with another and ask for the same promotion.
    @Test func concurrentPromotions() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)
        let models = ["m0", "m1", "m2", "m3", "m4", "m5", "m0", "m1"]
        var running: [RunningProcess] = []
        for (index, model) in models.enumerated() {
            let byte = Array("abcdef")[index % 6]
            running.append(
                try ProcessRunner.start(
                    [
                        "env", "GIT_AUTHOR_NAME=ci\(index)", "GIT_AUTHOR_EMAIL=ci@example.com",
                        ShipMLExecutable.path, "promote", "--to", "dev", "--model", model,
                        "--artifact", Self.artifact(byte), "--cache", "cache\(index % 6)",
                    ], in: scratch.path("project")))
        }
        for process in running {
            let result = try process.wait()
            #expect(result.status == 0, "\(result.stderr)")
        }
        let subjects = try Self.git(["--git-dir", remote, "log", "--format=%s", "main"])
            .split(separator: "\n").sorted()
        #expect(subjects == (0..<6).map { "promote(m\($0)): 1.2.0 → dev" })
        #expect(try Self.git(["--git-dir", remote, "rev-list", "--merges", "main"]).isEmpty)
        try Self.git(["--git-dir", remote, "fsck", "--strict"])
    }

    /// A commit made in the cache and never pushed (a crash) is discarded by the next run.
    @Test func anUnpushedCommitInTheCacheIsDiscarded() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)
        #expect(
            try Self.shipml(
                ["promote", "--to", "dev", "--artifact", Self.artifact("a")], in: scratch
            )
            .status == 0)
        #expect(try Self.shipml(["promote", "--to", "staging"], in: scratch).status == 0)
        let cacheRoot = scratch.path("project/.shipml/cache")
        let cache = try #require(
            try FileManager.default.contentsOfDirectory(atPath: cacheRoot).first {
                !$0.hasSuffix(".lock")
            })
        let cacheGit = "\(cacheRoot)/\(cache)"
        // What a crash after the commit and before the push leaves: a commit only the cache has.
        let tree = try Self.git([
            "--git-dir", cacheGit, "rev-parse", "refs/remotes/origin/main^{tree}",
        ])
        let orphan = try Self.git(
            [
                "-c", "user.name=x", "-c", "user.email=x@x", "--git-dir", cacheGit, "commit-tree",
                "-p", "refs/remotes/origin/main", "-m", "half done",
                tree.trimmingCharacters(in: .whitespacesAndNewlines),
            ])
        try Self.git([
            "--git-dir", cacheGit, "update-ref", "refs/remotes/origin/main",
            orphan.trimmingCharacters(in: .whitespacesAndNewlines),
        ])
        let next = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("b")], in: scratch)
        #expect(next.status == 0, "\(next.stderr)")
        let subjects = try Self.git(["--git-dir", remote, "log", "--format=%s", "main"])
        #expect(!subjects.contains("half done"))
        #expect(subjects.split(separator: "\n").count == 3)
    }

    /// An http:// remote served by git http-backend behind Basic auth: the token from
    /// SHIPML_GIT_TOKEN gets in, a wrong one is refused with exit 3, and neither is printed.
    @Test func httpRemoteWithAToken() throws {
        let scratch = try ScratchDirectory()
        let token = "s3cret-token-4b1d"
        let server = try GitHTTPServer(root: scratch.path(""), token: token, scratch: scratch)
        let remote = try Self.makeProject(scratch, repository: server.url("remote.git"))
        try Self.git(["--git-dir", remote, "config", "http.receivepack", "true"])

        let promoted = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("a")], in: scratch,
            token: token)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect(
            try Self.git(["--git-dir", remote, "log", "--format=%s", "main"])
                == "promote(sentiment): 1.2.0 → dev\n")

        let wrong = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("b"), "--verbose"],
            in: scratch, token: "wrong-\(token)")
        #expect(wrong.status == 3)
        #expect(!wrong.stderr.isEmpty)
        let none = try Self.shipml(
            ["promote", "--to", "dev", "--artifact", Self.artifact("b")], in: scratch)
        #expect(none.status == 3)
        for result in [promoted, wrong, none] {
            #expect(!result.stdout.contains(token) && !result.stderr.contains(token))
        }
    }

    /// --branch-mode pr pushes to shipml/promote/<env>/<model>-<digest12> and leaves main.
    @Test func reviewBranch() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)
        #expect(
            try Self.shipml(
                ["promote", "--to", "dev", "--artifact", Self.artifact("a")], in: scratch
            )
            .status == 0)
        let proposed = try Self.shipml(
            ["promote", "--to", "staging", "--branch-mode", "pr"], in: scratch)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let branch = "shipml/promote/staging/sentiment-aaaaaaaaaaaa"
        #expect(proposed.stdout.contains("on branch \(branch)"))
        #expect(try Self.git(["--git-dir", remote, "rev-list", "--count", "main"]) == "1\n")
        #expect(try Self.git(["--git-dir", remote, "rev-list", "--count", branch]) == "2\n")
        let again = try Self.shipml(
            ["promote", "--to", "staging", "--branch-mode", "pr"], in: scratch)
        #expect(again.status == 0 && again.stdout.contains("already proposes"), "\(again.stderr)")
    }
}
