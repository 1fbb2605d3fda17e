import Foundation

/// POSIX shell quoting for the command lines `ablsim sweep list` and job scripts print: words made
/// only of safe characters stay bare, anything else goes in single quotes.
public enum ShellQuote {
    public static func word(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+=:,@%".unicodeScalars.contains($0))
        }
        if safe { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func join(_ argv: [String]) -> String { argv.map(word).joined(separator: " ") }
}
