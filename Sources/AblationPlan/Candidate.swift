import AblationKernels
/// One plan as the surrogate scores it: applicator positions, each with its own library zone.
///
/// A position is one `applicators[]` entry of plan.json. Positions of one insertion share a needle
/// track: a pulled-back needle has two positions on the same line, the deeper one on first and
/// the shallower one switched on when it stops (zero-power phases in each schedule).
public struct Candidate: Sendable {
    public struct Needle: Sendable {
        public var tipMM: SIMD3<Double>
        public var entryMM: SIMD3<Double>
        public var templateIndex: Int
        /// Index into the template's zone library.
        public var entryIndex: Int
        public var powerW: Double
        public var durationS: Double
        /// When this position is switched on (s after the treatment starts).
        public var startS: Double
        /// Which needle insertion the position belongs to (0-based).
        public var insertion: Int
    }
    /// How the search placed it, so that the coarse stage can derive variants (other power and
    /// time, no pull-back) on the same needle tracks. nil for hand-made candidates.
    public struct Layout: Sendable {
        /// The arrangement's label (Arrangement), e.g. "triangle of radius 9 mm at 0 deg pulled back 12 mm".
        public var arrangement: String
        /// Axis direction and axial shift, as the label prints them.
        public var placement: String
        public var axis: SIMD3<Double>
        public var pullBackMM: Double
    }
    public var needles: [Needle]
    public var predictedMarginsMM: [Double]
    public var predictedHealthyML: Double
    /// A stable description for plan-summary.json's list of alternatives.
    public var label: String
    public var layout: Layout? = nil

    /// Needle insertions (a pulled-back needle counts once).
    public var insertions: Int { Set(needles.map(\.insertion)).count }
    /// From the first position switched on to the last switched off.
    public var treatmentS: Double { needles.map { $0.startS + $0.durationS }.max() ?? 0 }
    /// Forward energy at the generators: the tie-breaker after time (less power is gentler).
    public var energyJ: Double { needles.reduce(0) { $0 + $1.powerW * $1.durationS } }
    /// The smallest predicted margin over the targets.
    public var worstMarginMM: Double { predictedMarginsMM.min() ?? -.infinity }
}
