import ShipModel
import Testing

@Suite struct RedactionTests {
    @Test(arguments: [
        ("https://ci:TOKEN@git.example/ml/state.git", "https://ci:***@git.example/ml/state.git"),
        ("https://TOKEN@git.example/state.git", "https://***@git.example/state.git"),
        (
            "https://git.example/state.git?access_token=T&x=1",
            "https://git.example/state.git?access_token=***&x=***"
        ),
        ("ssh://git@git.example/state.git", "ssh://git@git.example/state.git"),
        ("git@git.example:ml/state.git", "git@git.example:ml/state.git"),
        ("/srv/state", "/srv/state"),
        ("https://git.example/a@b/state.git", "https://git.example/a@b/state.git"),
    ])
    func locationsAreShownWithoutSecrets(input: String, shown: String) {
        #expect(Redaction.location(input) == shown)
    }

    @Test func recordedURLsKeepNoCredentialsAtAll() {
        #expect(
            Redaction.strippingCredentials("https://ci:TOKEN@git.example/r.git?t=1#top")
                == "https://git.example/r.git#top")
        #expect(
            Redaction.strippingCredentials("ssh://git@git.example/r.git")
                == "ssh://git@git.example/r.git")
    }
}
