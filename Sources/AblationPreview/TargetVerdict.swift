import Foundation

/// How well the ablation zone covers one target, in the words and colour the preview's header uses,
/// and where on the target the margin is weakest (marked on the panels).
public struct TargetVerdict: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Every target voxel necrotic and the margin at least the one asked for.
        case completeWithMargin
        /// Every target voxel necrotic, but the margin is thinner than asked for somewhere.
        case marginShort
        /// Some target voxel survives.
        case incomplete
    }

    public var name: String
    public var coveragePercent: Double
    /// Thinnest ablative margin around a complete target (mm); for an incomplete one, minus the depth
    /// of its deepest untreated voxel below the zone's surface (as summary.json's `min_margin_mm`).
    public var minMarginMM: Double
    public var requiredMarginMM: Double
    public var complete: Bool
    public var completeWithMargin: Bool
    /// World position (RAS+ mm) of the target voxel where the margin is weakest; nil to mark nothing.
    public var weakestMarginPointMM: SIMD3<Double>?

    public init(name: String, coveragePercent: Double, minMarginMM: Double, requiredMarginMM: Double, complete: Bool,
                completeWithMargin: Bool, weakestMarginPointMM: SIMD3<Double>?) {
        self.name = name
        self.coveragePercent = coveragePercent
        self.minMarginMM = minMarginMM
        self.requiredMarginMM = requiredMarginMM
        self.complete = complete
        self.completeWithMargin = completeWithMargin
        self.weakestMarginPointMM = weakestMarginPointMM
    }

    public var outcome: Outcome {
        !complete ? .incomplete : completeWithMargin ? .completeWithMargin : .marginShort
    }

    /// A zone whose every surrounding voxel is necrotic reports its margin as 1e9 mm (ZoneAnalysis).
    static let noLivingTissueMarginMM = 1e8

    /// E.g. "tumour: complete, min margin 6.2 mm", "tumour: complete, min margin 2.1 mm (5 mm asked)",
    /// "tumour: INCOMPLETE, 97.3 % covered".
    public var text: String {
        switch outcome {
        case .incomplete:
            // Rounded down, so a target with one surviving voxel never reads "100.0 % covered".
            let shown = coveragePercent.isFinite ? (coveragePercent * 10).rounded(.down) / 10 : coveragePercent
            return "\(name): INCOMPLETE, \(SliceRenderer.format1(shown)) % covered"
        case .completeWithMargin, .marginShort:
            guard minMarginMM < Self.noLivingTissueMarginMM else { return "\(name): complete, no living tissue in the grid" }
            let margin = "\(name): complete, min margin \(SliceRenderer.format1(minMarginMM)) mm"
            return outcome == .marginShort ? margin + " (\(SliceRenderer.formatShort(requiredMarginMM)) mm asked)" : margin
        }
    }
}
