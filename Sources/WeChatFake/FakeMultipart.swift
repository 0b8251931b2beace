import Foundation

/// Reads one part of a `multipart/form-data` body, as the fake's `media/upload` needs: the part's
/// `filename` and bytes, found by its `name`.
enum FakeMultipart {
    struct Part: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    static func part(named name: String, in body: [UInt8], contentType: String) -> Part? {
        guard let boundaryRange = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = boundary.trimmingCharacters(in: ["\""])
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        for (position, start) in starts.enumerated() where position + 1 < starts.count {
            let partStart = start + delimiter.count + 2
            let partEnd = starts[position + 1] - 2
            guard partStart < partEnd, let headEnd = find(Array("\r\n\r\n".utf8), in: body, from: partStart), headEnd < partEnd else { continue }
            let head = String(decoding: body[partStart..<headEnd], as: UTF8.self)
            guard head.contains("name=\"\(name)\"") else { continue }
            var filename = ""
            if let range = head.range(of: "filename=\"") {
                filename = String(head[range.upperBound...].prefix { $0 != "\"" })
            }
            return Part(filename: filename, bytes: Array(body[(headEnd + 4)..<partEnd]))
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
