import CZlib

/// Why inflating a zip member stopped early.
enum InflateFailure: Error {
    /// The data is not valid raw deflate; zlib's message.
    case corrupt(String)
    /// The output passed the limit: a bomb, or a member larger than allowed.
    case tooLarge(produced: UInt64)
    /// The output grew more than the allowed ratio over the input consumed so far.
    case ratio(produced: UInt64, consumed: UInt64)
}

/// Inflates raw deflate data (zip method 8) through zlib, with limits on size and ratio
/// checked as the output grows, so a bomb stops within one chunk of the limit.
enum Inflater {
    static func inflate(
        file: ArtifactFile, offset: UInt64, compressedSize: UInt64, limit: UInt64, ratio: UInt64
    ) throws(InflateFailure) -> [UInt8] {
        var stream = z_stream()
        guard shipml_inflate_init_raw(&stream) == Z_OK else {
            throw .corrupt("zlib cannot start a stream")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 20
        var output: [UInt8] = []
        var outBuffer = [UInt8](repeating: 0, count: chunk)
        var consumed: UInt64 = 0
        var finished = false
        while !finished {
            let remaining = compressedSize - consumed
            guard remaining > 0 else {
                throw .corrupt("the compressed data ends before the deflate stream does")
            }
            let take = Int(min(UInt64(chunk), remaining))
            var input: [UInt8]
            do {
                input = try file.read(at: offset + consumed, count: take)
            } catch {
                throw .corrupt(error.description)
            }
            consumed += UInt64(take)
            var status: Int32 = Z_OK
            var failure: InflateFailure?
            input.withUnsafeMutableBufferPointer { inBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                repeat {
                    outBuffer.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        let produced = out.count - Int(stream.avail_out)
                        output.append(contentsOf: out[0..<produced])
                    }
                    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                        let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        failure = .corrupt(message)
                        return
                    }
                    let produced = UInt64(output.count)
                    if produced > limit {
                        failure = .tooLarge(produced: produced)
                        return
                    }
                    if produced > 1 << 20, produced / max(consumed, 1) > ratio {
                        failure = .ratio(produced: produced, consumed: consumed)
                        return
                    }
                } while status == Z_OK && stream.avail_out == 0
            }
            if let failure { throw failure }
            if status == Z_STREAM_END { finished = true }
        }
        return output
    }
}
