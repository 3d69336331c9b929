/// One member of a zip archive, from the central directory.
struct ZipMember {
    var name: String
    var method: UInt16
    var flags: UInt16
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localHeaderOffset: UInt64
    /// Where the member's data starts, from its local header.
    var dataOffset: UInt64
}

/// Why a zip archive cannot be read.
struct ZipError: Error {
    var message: String
}

/// Reads a zip archive's central directory (with ZIP64), checked against the file's size.
enum ZipArchive {
    static let maxMembers = 100_000

    /// Whether the file starts like a zip archive.
    static func looksLikeZip(_ file: ArtifactFile) -> Bool {
        guard let head = try? file.read(at: 0, count: 4) else { return false }
        return head == [0x50, 0x4b, 0x03, 0x04]
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        u16(bytes, at) | u16(bytes, at + 2) << 16
    }

    private static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        u32(bytes, at) | u32(bytes, at + 4) << 32
    }

    static func members(of file: ArtifactFile) throws(ZipError) -> [ZipMember] {
        func read(_ offset: UInt64, _ count: Int) throws(ZipError) -> [UInt8] {
            do {
                return try file.read(at: offset, count: count)
            } catch {
                throw ZipError(message: error.description)
            }
        }
        let tailLength = Int(min(file.size, 22 + 65_535))
        let tailStart = file.size - UInt64(tailLength)
        let tail = try read(tailStart, tailLength)
        var found: Int?
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4b, tail[index + 2] == 0x05,
                tail[index + 3] == 0x06
            {
                found = index
                break
            }
            index -= 1
        }
        guard let eocd = found else {
            throw ZipError(message: "has no end-of-central-directory record")
        }
        var count = u16(tail, eocd + 10)
        var directorySize = u32(tail, eocd + 12)
        var directoryOffset = u32(tail, eocd + 16)
        if count == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
            let eocdOffset = tailStart + UInt64(eocd)
            guard eocdOffset >= 20 else { throw ZipError(message: "has a truncated ZIP64 locator") }
            let locator = try read(eocdOffset - 20, 20)
            guard u32(locator, 0) == 0x0706_4b50 else {
                throw ZipError(message: "needs a ZIP64 locator but has none")
            }
            let record = try read(u64(locator, 8), 56)
            guard u32(record, 0) == 0x0606_4b50 else {
                throw ZipError(message: "has no ZIP64 end-of-central-directory record")
            }
            count = u64(record, 32)
            directorySize = u64(record, 40)
            directoryOffset = u64(record, 48)
        }
        let (directoryEnd, overflow) = directoryOffset.addingReportingOverflow(directorySize)
        guard !overflow, directoryEnd <= file.size else {
            throw ZipError(message: "has a central directory that runs past the end of the file")
        }
        guard count <= UInt64(maxMembers), count * 46 <= directorySize else {
            throw ZipError(
                message: "claims \(count) members, more than its central directory can hold "
                    + "or than \(maxMembers)")
        }
        let directory = try read(directoryOffset, Int(directorySize))
        var members: [ZipMember] = []
        var position = 0
        for _ in 0..<count {
            guard directory.count - position >= 46, u32(directory, position) == 0x0201_4b50 else {
                throw ZipError(message: "has a broken central directory entry at \(position)")
            }
            let flags = UInt16(u16(directory, position + 8))
            let method = UInt16(u16(directory, position + 10))
            var compressed = u32(directory, position + 20)
            var uncompressed = u32(directory, position + 24)
            let nameLength = Int(u16(directory, position + 28))
            let extraLength = Int(u16(directory, position + 30))
            let commentLength = Int(u16(directory, position + 32))
            var local = u32(directory, position + 42)
            let total = 46 + nameLength + extraLength + commentLength
            guard directory.count - position >= total else {
                throw ZipError(message: "has a central directory entry that runs past its end")
            }
            let name = String(
                decoding: directory[position + 46..<position + 46 + nameLength], as: UTF8.self)
            // The ZIP64 extra field holds, in order, the sizes and offset that are 0xffffffff.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extraEnd - extra >= 4 {
                let id = u16(directory, extra)
                let size = Int(u16(directory, extra + 2))
                guard extraEnd - extra - 4 >= size else { break }
                if id == 1 {
                    var field = extra + 4
                    let fieldEnd = field + size
                    if uncompressed == 0xffff_ffff, fieldEnd - field >= 8 {
                        uncompressed = u64(directory, field)
                        field += 8
                    }
                    if compressed == 0xffff_ffff, fieldEnd - field >= 8 {
                        compressed = u64(directory, field)
                        field += 8
                    }
                    if local == 0xffff_ffff, fieldEnd - field >= 8 {
                        local = u64(directory, field)
                    }
                }
                extra += 4 + size
            }
            position += total
            let header = try read(local, 30)
            guard u32(header, 0) == 0x0403_4b50 else {
                throw ZipError(message: "member '\(name)' has no local header at \(local)")
            }
            let dataOffset = local + 30 + u16(header, 26) + u16(header, 28)
            let (dataEnd, overflow) = dataOffset.addingReportingOverflow(compressed)
            guard !overflow, dataEnd <= file.size else {
                throw ZipError(message: "member '\(name)' runs past the end of the file")
            }
            members.append(
                ZipMember(
                    name: name, method: method, flags: flags, compressedSize: compressed,
                    uncompressedSize: uncompressed, localHeaderOffset: local,
                    dataOffset: dataOffset))
        }
        let sorted = members.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (first, second) in zip(sorted, sorted.dropFirst())
        where first.dataOffset + first.compressedSize > second.localHeaderOffset {
            throw ZipError(
                message: "members '\(first.name)' and '\(second.name)' overlap; expected "
                    + "separate data for each member (overlapping members are a zip-bomb trick)")
        }
        return members
    }
}
