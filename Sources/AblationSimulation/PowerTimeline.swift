import AblationKernels
import AblationPreset
/// The treatment cut into segments during which every applicator's power is constant, so that
/// the heat-source field is rebuilt only at phase changes and every phase ends exactly on a step.
public struct PowerTimeline: Sendable {
    public struct Segment: Sendable, Equatable {
        public var start: Double
        public var end: Double
        /// Power of each applicator during the segment (W).
        public var powers: [Double]
        public var duration: Double { end - start }
    }

    public let segments: [Segment]

    public init(preset: Preset) {
        var cuts: Set<Double> = [0, preset.totalTimeS]
        for a in preset.applicators {
            var t = 0.0
            for phase in a.schedule { t += phase.durationS; cuts.insert(t) }
        }
        let times = cuts.sorted()
        var segments: [Segment] = []
        for (a, b) in zip(times, times.dropFirst()) where b - a > 1e-9 {
            let mid = (a + b) / 2
            let powers = preset.applicators.map { app -> Double in
                var t = 0.0
                for phase in app.schedule {
                    if mid >= t && mid < t + phase.durationS { return phase.powerW }
                    t += phase.durationS
                }
                return 0
            }
            segments.append(Segment(start: a, end: b, powers: powers))
        }
        self.segments = segments
    }
}
