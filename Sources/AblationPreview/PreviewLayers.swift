import AblationIO
/// Everything `SliceRenderer` draws into `preview.png`. All per-voxel arrays
/// use the grid of `geometry`, x fastest, then y, then z (the NIfTI order).
///
/// The renderer never fails on inconsistent input: a voxel missing from a
/// short array counts as background, 0, "not inside" or "no temperature",
/// so a preview can always be produced next to the authoritative NIfTI files.
public struct PreviewLayers: Sendable {
    public var geometry: VolumeGeometry
    /// Tissue label per voxel; 0 is background.
    public var labels: [UInt8]
    /// Display colour per label value (index = label). Labels without an
    /// entry are drawn mid-grey.
    public var labelColors: [SIMD3<UInt8>]
    /// Peak temperature in °C per voxel.
    public var temperature: [Float]
    /// 1 where the tissue is necrotic, else 0.
    public var necrosis: [UInt8]
    /// 1 inside a target, else 0; nil when there is no target.
    public var target: [UInt8]?
    /// The margin `targetPlusMargin` was dilated by; used for the legend text.
    public var marginMM: Double
    /// 1 inside the target dilated by `marginMM`, else 0; nil to omit.
    public var targetPlusMargin: [UInt8]?
    /// 1 inside a vessel, else 0; nil (or no vessel voxel) to omit.
    public var vessels: [UInt8]?
    /// Isotherms drawn as contours of the peak temperature.
    public var isothermsC: [Float]
    /// Straight applicators from skin entry to tip, world millimetres.
    public var applicators: [(entryMM: SIMD3<Double>, tipMM: SIMD3<Double>)]
    /// The point all three slices pass through (snapped to the nearest voxel centre).
    public var centerMM: SIMD3<Double>
    /// First header line (the run's name).
    public var title: String
    /// Second header line, wrapped to the image width: what was applied (device, power, time); empty to omit.
    public var subtitle: String
    /// One header line per target, coloured by its outcome; the weakest-margin points are marked on the panels.
    public var verdicts: [TargetVerdict]

    public init(
        geometry: VolumeGeometry,
        labels: [UInt8],
        labelColors: [SIMD3<UInt8>],
        temperature: [Float],
        necrosis: [UInt8],
        target: [UInt8]? = nil,
        marginMM: Double = 0,
        targetPlusMargin: [UInt8]? = nil,
        vessels: [UInt8]? = nil,
        isothermsC: [Float] = [50, 60],
        applicators: [(entryMM: SIMD3<Double>, tipMM: SIMD3<Double>)] = [],
        centerMM: SIMD3<Double>,
        title: String,
        subtitle: String = "",
        verdicts: [TargetVerdict] = []
    ) {
        self.geometry = geometry
        self.labels = labels
        self.labelColors = labelColors
        self.temperature = temperature
        self.necrosis = necrosis
        self.target = target
        self.marginMM = marginMM
        self.targetPlusMargin = targetPlusMargin
        self.vessels = vessels
        self.isothermsC = isothermsC
        self.applicators = applicators
        self.centerMM = centerMM
        self.title = title
        self.subtitle = subtitle
        self.verdicts = verdicts
    }

    /// The header's text, line by line before wrapping: title, subtitle (when given), one verdict per target.
    /// `preview.png` also carries it as its Description, so tools can read what the image states.
    public var headerLines: [String] {
        [title] + (subtitle.isEmpty ? [] : [subtitle]) + verdicts.map(\.text)
    }
}
