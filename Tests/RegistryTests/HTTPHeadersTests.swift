import Registry
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIsCaseInsensitiveAndKeepsOrder() {
        var headers: HTTPHeaders = ["Accept": "a", "content-type": "text/plain", "ACCEPT": "b"]
        headers.add("Accept", "c")

        #expect(headers["accept"] == "a")
        #expect(headers.values(for: "Accept") == ["a", "b", "c"])
        #expect(headers["Content-Type"] == "text/plain")
        #expect(headers.count == 4)

        headers.set("accept", "only")
        #expect(headers.values(for: "ACCEPT") == ["only"])
        headers.remove("CONTENT-TYPE")
        #expect(headers["content-type"] == nil)
        #expect(headers.map(\.name) == ["accept"])
    }

    @Test func descriptionRedactsCredentials() {
        let headers: HTTPHeaders = ["Authorization": "Bearer t0k3n", "Accept": "*/*"]

        #expect(headers.description == "Authorization: <redacted>\nAccept: */*")
    }
}
