import AblationJSON

/// A sweep file (`{"ablsim_sweep": 1, ...}`, docs: preset-format.md, "Sweep files"): one base preset
/// and the values each dotted path takes, combined into cases.
public struct SweepFile: Sendable {
    public enum Base: Sendable {
        /// A preset file; `resolvedPath` is relative to the working directory (or absolute).
        case file(path: String, resolvedPath: String)
        case inline(JSONValue)
    }

    public enum Combine: String, Sendable {
        case product, zip
    }

    /// What one axis takes: a list of values (grids, zips, or random choice when sampling), or a
    /// continuous range drawn uniformly when sampling.
    public enum AxisValues: Sendable {
        case list([JSONValue])
        case range(min: Double, max: Double)
    }

    public struct Axis: Sendable {
        public var path: String
        public var values: AxisValues
    }

    public struct Sampling: Sendable {
        public var count: Int
        public var seed: UInt64
    }

    public var name: String
    public var description: String
    public var base: Base
    public var combine: Combine
    public var axes: [Axis]
    /// Random cases instead of a grid; nil for `product` and `zip`.
    public var sampling: Sampling?
    /// Where the sweep file lives: inline bases resolve their relative paths (label maps) here.
    public var directory: String

    /// More cases than this is almost certainly a typo (an extra axis or a range meant as a list);
    /// splitting such a sweep is still possible.
    public static let maxCases = 100_000
}
