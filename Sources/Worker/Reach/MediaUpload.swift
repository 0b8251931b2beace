/// Media a handler creates (a picture drawn, a voice synthesised): uploaded with `media/upload` before the
/// reply goes, then sent by its media_id. Identical bytes are uploaded once and reused while WeChat keeps
/// them (``MediaUploader``).
struct MediaUpload: Sendable, Hashable {
    /// WeChat's media types, with the extension WeChat reads the format from and the largest size it takes.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case image, voice, video, thumb

        /// The file extension sent with the part (WeChat decides the format by it: 40005 otherwise).
        var fileExtension: String {
            switch self {
            case .image: return "jpg"
            case .voice: return "mp3"
            case .video: return "mp4"
            case .thumb: return "jpg"
            }
        }

        /// The size limit (image: 2 MB, the lowest of the documented figures; voice 2 MB; video 10 MB;
        /// thumb 64 KB).
        var maximumBytes: Int {
            switch self {
            case .image, .voice: return 2 << 20
            case .video: return 10 << 20
            case .thumb: return 64 << 10
            }
        }
    }

    var kind: Kind
    /// The bytes, or nil when ``url`` is to be downloaded first.
    var bytes: [UInt8]?
    /// Where the worker downloads the bytes (size-capped) when ``bytes`` is nil.
    var url: String?
    /// The extension when the bytes are not what ``Kind/fileExtension`` says (`png`, `gif`, `amr`).
    var fileExtension: String?
}
