import AblationGrid
import AblationJSON
import AblationKernels
/// `--set path=value` overrides: a dotted path into the preset JSON (array indices as numbers, the
/// same paths sweep files use) and a JSON value, or a bare string when the value is not JSON.
public enum PresetOverride {
    public static func apply(_ assignment: String, to document: JSONValue) throws(PresetError) -> JSONValue {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            throw PresetError(.usage, path: "", "--set \(assignment): expected path=value, e.g. applicators.0.schedule.0.power_w=80")
        }
        let path = String(assignment[..<eq])
        let text = String(assignment[assignment.index(after: eq)...])
        let value: JSONValue = (try? JSONParser.parse(text)) ?? .string(text)
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw PresetError(.usage, path: path, "--set path has an empty component; expected keys and indices separated by '.'")
        }
        do {
            return try set(parts[...], in: document, value: value, walked: "")
        } catch {
            throw PresetError(.usage, path: "", "--set \(assignment): \(error.message)")
        }
    }

    /// A missing container is an array when the next path component is an index.
    static func emptyContainer(for next: String?) -> JSONValue {
        if let next, Int(next) != nil { return .array([]) }
        return .object([])
    }

    static func set(_ parts: ArraySlice<String>, in node: JSONValue, value: JSONValue, walked: String) throws(PresetError) -> JSONValue {
        guard let head = parts.first else { return value }
        let here = walked.isEmpty ? head : "\(walked).\(head)"
        switch node {
        case .object(var members):
            if let i = members.firstIndex(where: { $0.0 == head }) {
                members[i].1 = try set(parts.dropFirst(), in: members[i].1, value: value, walked: here)
            } else if parts.count == 1 {
                members.append((head, value))
            } else {
                members.append((head, try set(parts.dropFirst(), in: emptyContainer(for: parts.dropFirst().first), value: value, walked: here)))
            }
            return .object(members)
        case .array(var items):
            guard let index = Int(head), index >= 0, index <= items.count else {
                throw PresetError(.usage, path: here, "\(walked.isEmpty ? "the preset" : walked) has \(items.count) element\(items.count == 1 ? "" : "s"); expected an index from 0 to \(items.count) (\(items.count) appends)")
            }
            if index == items.count {
                items.append(try set(parts.dropFirst(), in: emptyContainer(for: parts.dropFirst().first), value: value, walked: here))
            } else {
                items[index] = try set(parts.dropFirst(), in: items[index], value: value, walked: here)
            }
            return .array(items)
        default:
            throw PresetError(.usage, path: walked, "\(walked) is \(node.kindDescription), so it has no member \"\(head)\"")
        }
    }
}
