import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// Uploads media a handler created (`POST /cgi-bin/media/upload?type=TYPE`, one `multipart/form-data`
/// part named `media` with a file name whose extension tells WeChat the format) and caches the media_id
/// by the content's SHA-256 for 60 hours, under WeChat's 72 (temporary media expire after 3 days, then
/// 40007). Bytes given as a URL are downloaded first, at most the type's size limit.
///
/// 40004 (type), 40005 (file type), 40009 (image size), 41005 (no media) and other errcodes are
/// permanent; -1, 5xx and timeouts are retried with the message.
struct MediaUploader: Sendable {
    static let path = "/cgi-bin/media/upload"
    /// How long an uploaded media_id is reused.
    static let cacheSeconds = 60 * 3600

    let sender: CustomerServiceSender
    let redis: RedisClient
    let keys: ReachKeys
    let metrics: ReachMetrics
    let logger: Logger

    /// The media_id of `upload`'s bytes: from the cache, else uploaded now.
    func mediaID(for upload: MediaUpload) async -> Result<String, WeChatAPIError> {
        let bytes: [UInt8]
        if let given = upload.bytes {
            bytes = given
        } else if let url = upload.url {
            switch await download(url, limit: upload.kind.maximumBytes) {
            case .success(let downloaded): bytes = downloaded
            case .failure(let error): return .failure(error)
            }
        } else {
            return .failure(.api(errcode: 41005, errmsg: "media data missing: the reply carries neither bytes nor a URL"))
        }
        let key = keys.media(ContentHash.sha256Hex(bytes + Array(":\(upload.kind.rawValue)".utf8)))
        if let cached = try? await redis.send("GET", RedisArgument(key)).string, !cached.isEmpty {
            metrics.mediaUpload("cached")
            return .success(cached)
        }
        let fileExtension = upload.fileExtension ?? upload.kind.fileExtension
        let (body, contentType) = Self.multipart(bytes, filename: "media.\(fileExtension)")
        do {
            let answer = try await sender.call(path: Self.path, body: body, query: [("type", upload.kind.rawValue)], contentType: contentType)
            guard let mediaID = answer["media_id"]?.string ?? answer["thumb_media_id"]?.string, !mediaID.isEmpty else {
                metrics.mediaUpload("failed")
                return .failure(.invalidResponse("media/upload answered no media_id"))
            }
            _ = try? await redis.send("SET", RedisArgument(key), RedisArgument(mediaID), "EX", RedisArgument(Self.cacheSeconds))
            metrics.mediaUpload("uploaded")
            return .success(mediaID)
        } catch {
            metrics.mediaUpload("failed")
            logger.warning("media/upload of \(bytes.count) bytes as \(upload.kind.rawValue) failed: \(error)")
            return .failure(error)
        }
    }

    /// The `multipart/form-data` body with the one part `media`, and its content type.
    static func multipart(_ bytes: [UInt8], filename: String) -> (body: [UInt8], contentType: String) {
        let boundary = "----wechat-relay-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"media\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    private func download(_ url: String, limit: Int) async -> Result<[UInt8], WeChatAPIError> {
        let request = HTTPClientRequest(url: url)
        do {
            let response = try await sender.api.httpClient.execute(request, timeout: .seconds(10))
            guard response.status.code == 200 else {
                return .failure(response.status.code >= 500 ? .http(status: Int(response.status.code)) : .api(errcode: 41005, errmsg: "media download answered HTTP \(response.status.code)"))
            }
            let body = try await response.body.collect(upTo: limit)
            return .success(Array(body.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .failure(.api(errcode: 45001, errmsg: "media at the URL is larger than \(limit) bytes"))
        } catch {
            return .failure(.transport("media download: \(error)"))
        }
    }
}
