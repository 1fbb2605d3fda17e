/// Failures of `PNGEncoder`.
public enum PNGError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSize(width: Int, height: Int)
    case pixelCountMismatch(expected: Int, got: Int)
    case invalidTextKeyword(String)
    case invalidText(keyword: String)
    case compressionFailed(code: Int32)

    public var description: String {
        switch self {
        case .invalidSize(let w, let h):
            return "cannot encode PNG: image size \(w) x \(h) is invalid; width and height must be 1 to 2147483647"
        case .pixelCountMismatch(let expected, let got):
            return "cannot encode PNG: got \(got) bytes of pixels, expected width*height*3 = \(expected) (8-bit RGB)"
        case .invalidTextKeyword(let key):
            return "cannot encode PNG: text keyword \(key.debugDescription) is invalid; expected 1-79 printable Latin-1 characters without leading, trailing or double spaces"
        case .invalidText(let key):
            return "cannot encode PNG: the text for keyword \"\(key)\" contains NUL or characters outside Latin-1"
        case .compressionFailed(let code):
            return "cannot encode PNG: zlib deflate failed with code \(code)"
        }
    }
}
