import Builder
public import ShipModel

extension RemoteRepository {
    /// What an upload begun before its blob's digest was known learns once it is.
    public enum AheadVerdict: Sendable, Equatable {
        /// Finish the upload: the blob is `digest`, `size` bytes.
        case finish(Digest, size: Int64)
        /// Stop it: the registry has the blob after all, or the build failed.
        case cancel
    }

    /// Uploads a blob whose digest and size are not known yet, in `PATCH` chunks read from a
    /// producer, while something else computes them. Before each chunk it asks `verdict`
    /// (`wait` true when it cannot send another whole chunk without knowing the size, which is
    /// at least `minimum`); a `.cancel` deletes the upload and stops the producer.
    ///
    /// - Returns: true when the blob was uploaded, false when it was cancelled.
    /// - Throws: ``RegistryError`` when the registry refuses, or when the bytes made are not
    ///   the blob `verdict` named (`.digestMismatch`, from the registry's check or the
    ///   producer's; the upload is then deleted). A failed upload ahead is never
    ///   fatal to a push: the ordinary upload sends the blob again.
    public func uploadAhead(
        atLeast minimum: Int64,
        produce:
            @escaping @Sendable (_ write: (UnsafeRawBufferPointer) throws -> Void) throws ->
            (Digest?, Int64),
        verdict: (_ wait: Bool) -> AheadVerdict?,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> Bool {
        let what = "pushing a layer ahead to \(display)"
        let started = try startUpload(what)
        var location = started.location
        let full = session.quirks.chunkSize(minimum: started.minimum)
        // Smaller chunks until the digest is known: a cancelled upload stops sooner.
        let early = max(min(full, 32 << 20), started.minimum ?? 0)
        let made = MadeBlob()
        let producer = try PipeProducer { write in made.set(try produce(write)) }
        var blob: (digest: Digest, size: Int64)?
        do {
            var offset: Int64 = 0
            while true {
                let chunk = blob == nil ? early : full
                if blob == nil {
                    switch verdict(offset + chunk > minimum) {
                    case .finish(let digest, let size)?: blob = (digest, size)
                    case .cancel?:
                        cancelUpload(location, producer)
                        return false
                    case nil:
                        if offset + chunk > minimum {
                            cancelUpload(location, producer)
                            return false
                        }
                    }
                }
                if let blob, offset >= blob.size { break }
                let length = blob.map { min(chunk, $0.size - offset) } ?? chunk
                let response = try patch(
                    location, offset: offset,
                    body: .stream(.init(descriptor: producer.readEnd, length: length)),
                    what: what)
                guard session.quirks.patchAccepted(response.status) else {
                    throw RegistryError.from(response, what)
                }
                location = response.headers["Location"].map(session.endpoint.absolute) ?? location
                offset += length
                progress?(length)
            }
            guard let blob else { throw RegistryError(.configuration, "\(what): no digest") }
            if let failure = producer.finish() { throw failure }
            // The registry checks the digest on the final `PUT`; a producer that hashed is
            // checked here too.
            guard let streamed = made.value, streamed.1 == blob.size,
                streamed.0 == nil || streamed.0 == blob.digest
            else {
                throw RegistryError(
                    .digestMismatch,
                    "\(what): the bytes made again are not \(blob.digest); the model changed")
            }
            try finish(try put(location, blob.digest, what: what), blob.digest, what)
            return true
        } catch let restart as UploadRestart {
            cancelUpload(location, producer)
            throw restart.underlying
        } catch {
            cancelUpload(location, producer)
            throw error
        }
    }

    /// Deletes an unfinished upload (best effort: registries expire them anyway) and stops
    /// its producer.
    private func cancelUpload(_ location: String, _ producer: PipeProducer) {
        _ = producer.finish()
        _ = try? session.send(
            HTTPRequest(.delete, url: location), scopes: [.push(name)],
            what: "cancelling an upload to \(display)")
    }

    /// The digest and size the producer computed. `@unchecked Sendable`: written by the
    /// producer thread before it finishes, read after waiting for it.
    private final class MadeBlob: @unchecked Sendable {
        private(set) var value: (Digest?, Int64)?
        func set(_ value: (Digest?, Int64)) { self.value = value }
    }
}
