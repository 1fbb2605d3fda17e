import AblationGrid

/// A segmented vessel tree on the simulation grid: centreline segments between branch points, and
/// every voxel of the vessel assigned to a segment and an arc-length slice along it
/// (`CentrelineExtraction` builds it).
public struct VesselTree: Sendable {
    public struct Segment: Sendable, Equatable {
        /// The segment nearer the trunk (nil for the trunk, and for the first segment of a piece of
        /// the tree that the grid cut off from the trunk).
        public var parent: Int?
        public var children: [Int]
        /// Centreline voxels (linear grid indices), from the trunk side to the far end. A child's
        /// first point is its parent's last (the branch point), so its length starts at the branch.
        public var points: [Int]
        /// Arc length of each point from the first (mm).
        public var arcLengthMM: [Double]
        /// Distance from each point's centre to the nearest voxel centre outside the vessel (mm).
        public var wallDistanceMM: [Double]
        /// Per point: the diameter of the circle with the point's cross-section, the volume of the
        /// voxels nearest to it over its share of the arc (mm; see `CentrelineExtraction`).
        public var pointDiameterMM: [Double]
        /// Slices one voxel thick along the centreline (some may hold no voxel).
        public var sliceCount: Int
        /// The median of the inner points' diameters (mm).
        public var diameterMM: Double
        public var lengthMM: Double { arcLengthMM.last ?? 0 }
    }

    /// In breadth-first order from the trunk (segment 0), children by their first own voxel;
    /// pieces not connected to the trunk's follow, each rooted at the end of its widest end-segment.
    public var segments: [Segment]
    /// The vessel's voxels (linear grid indices, ascending) and, for each, its segment and slice.
    public var voxels: [Int]
    public var segmentOfVoxel: [Int32]
    public var sliceOfVoxel: [Int32]
    /// The centreline end where the trunk leaves the tree (linear grid index).
    public var trunkEnd: Int
}

/// Why a vessel mask has no tree.
public enum CentrelineError: Error, Equatable {
    /// The mask holds no voxel.
    case empty
    /// `trunk_mm` lies `distanceMM` from the nearest centreline end (`nearestEndMM`), more than `limitMM`.
    case trunkTooFar(distanceMM: Double, nearestEndMM: SIMD3<Double>, limitMM: Double)
}
