import Foundation

/// `git http-backend` behind HTTP Basic auth on 127.0.0.1: a smart-HTTP git server for tests
/// of http(s) remotes and tokens. Every repository under `root` is served at
/// `http://127.0.0.1:PORT/<name>` (`https://` with a ``TestCertificates/Server``);
/// requests whose password is not `token` get 401.
public final class GitHTTPServer {
    public let port: Int
    private let scheme: String
    private let process: RunningProcess

    /// Starts the server (python3 and git must be on PATH), over TLS when `tls` is given.
    /// - Throws: When it does not say its port within ten seconds.
    public init(
        root: String, token: String, scratch: ScratchDirectory,
        tls: TestCertificates.Server? = nil
    ) throws {
        let script = try scratch.write("git-http-server.py", Self.script)
        let output = scratch.path("git-http-server.port")
        let certificate = tls.map { [$0.certificate, $0.key] } ?? []
        scheme = tls == nil ? "http" : "https"
        process = try ProcessRunner.start(
            ["sh", "-c", "exec python3 \"$@\" > \"$0\"", output, script, root, token]
                + certificate)
        var found: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: output, encoding: .utf8),
                let line = text.split(separator: "\n").first, let number = Int(line)
            {
                found = number
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.kill()
            throw GitHTTPServerError()
        }
        port = found
    }

    deinit { process.kill() }

    /// The URL of a repository under the root.
    public func url(_ name: String) -> String { "\(scheme)://127.0.0.1:\(port)/\(name)" }

    struct GitHTTPServerError: Error, CustomStringConvertible {
        var description: String { "the git http server did not say its port within 10 s" }
    }

    static let script = #"""
        #!/usr/bin/env python3
        """A tiny smart-HTTP git server for tests: git http-backend behind HTTP Basic auth.

        Usage: git-http-server.py PROJECT_ROOT TOKEN [CERTIFICATE KEY]
        Listens on 127.0.0.1 on a free port and prints the port on its first line; with a
        certificate and key (PEM), over TLS. Every request must carry Basic credentials whose
        password is TOKEN, else 401. Request bodies may be chunked (libgit2 streams pushes that
        way).
        """
        import base64
        import http.server
        import os
        import ssl
        import subprocess
        import sys

        ROOT, TOKEN = sys.argv[1], sys.argv[2]
        TLS = None
        if len(sys.argv) > 4:
            TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            TLS.load_cert_chain(sys.argv[3], sys.argv[4])


        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def authorized(self):
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return False
                try:
                    _, _, password = base64.b64decode(header[6:]).decode().partition(":")
                except Exception:
                    return False
                return password == TOKEN

            def body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def handle_git(self):
                body = self.body() if self.command == "POST" else b""
                if not self.authorized():
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path, _, query = self.path.partition("?")
                env = dict(os.environ)
                env.update({
                    "GIT_PROJECT_ROOT": ROOT, "GIT_HTTP_EXPORT_ALL": "1", "REMOTE_USER": "tester",
                    "REQUEST_METHOD": self.command, "PATH_INFO": path, "QUERY_STRING": query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1",
                    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                })
                if self.headers.get("Content-Encoding"):
                    env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
                if self.headers.get("Git-Protocol"):
                    env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
                out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
                head, _, payload = out.partition(b"\r\n\r\n")
                status = 200
                headers = []
                for line in head.split(b"\r\n"):
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = handle_git
            do_POST = handle_git


        class Server(http.server.ThreadingHTTPServer):
            def finish_request(self, request, client_address):
                # The handshake runs in the connection's own thread: a client that refuses the
                # certificate (the test of an untrusted CA) fails only its own connection.
                if TLS is not None:
                    request = TLS.wrap_socket(request, server_side=True)
                super().finish_request(request, client_address)

            def handle_error(self, request, client_address):
                pass


        server = Server(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
