import AblationGrid
import AblationKernels
import Foundation

/// Where an RF electrode's parts are, in world millimetres, and which voxels they occupy.
///
/// Conductors (bare needle tips, tines) are ideal conductors at the applied potential; shafts are
/// insulating. Cooled electrodes also hold their conductors at the coolant temperature; tines are
/// not cooled and take the temperature of the tissue around them.
package struct ElectrodeGeometry {
    /// A straight cylinder of `radiusMM` from `startMM` to `endMM`.
    package struct Rod {
        package var startMM: SIMD3<Double>
        package var endMM: SIMD3<Double>
        package var radiusMM: Double

        package init(startMM: SIMD3<Double>, endMM: SIMD3<Double>, radiusMM: Double) {
            self.startMM = startMM
            self.endMM = endMM
            self.radiusMM = radiusMM
        }
    }

    /// Bare tips of cooled needles (one, or three for a cluster).
    package private(set) var activeRods: [Rod] = []
    /// Deployed tines of a multi-tine electrode.
    package private(set) var tineArray: MultiTineArray?
    package private(set) var tineRadiusMM = 0.0
    /// Insulated shafts, from the end of each bare tip (the trocar tip for multi-tine) to the entry.
    private(set) var shafts: [Rod] = []
    let isCooled: Bool

    /// `deployedToMM`: a multi-tine array pushed out only until it spans this diameter (a step of
    /// a staged deployment); nil: fully deployed.
    package init(_ spec: Preset.RadiofrequencySpec, deployedToMM: Double? = nil) {
        isCooled = spec.electrode.isCooled
        let (forward, e1, e2) = NeedleFrame.basis(tipMM: spec.tipMM, entryMM: spec.entryMM)
        let radius = spec.diameterMM / 2
        switch spec.electrode {
        case .cooledTip:
            addNeedle(tip: spec.tipMM, entry: spec.entryMM, forward: forward, spec: spec)
        case let .cluster(spacing):
            // Corners of an equilateral triangle of side `spacing` centred on the path: circumradius s / sqrt(3).
            let circumradius = spacing / 3.0.squareRoot()
            for n in 0..<3 {
                let phi = 2 * Double.pi * Double(n) / 3
                let offset = (e1 * cos(phi) + e2 * sin(phi)) * circumradius
                addNeedle(tip: spec.tipMM + offset, entry: spec.entryMM + offset, forward: forward, spec: spec)
            }
        case let .multiTine(tines):
            tineArray = MultiTineArray(tipMM: spec.tipMM, entryMM: spec.entryMM, trocarDiameterMM: spec.diameterMM, spec: tines,
                                       deployedToMM: deployedToMM)
            tineRadiusMM = tines.tineDiameterMM / 2
            shafts.append(Rod(startMM: spec.tipMM, endMM: spec.entryMM, radiusMM: radius))
        }
    }

    private mutating func addNeedle(tip: SIMD3<Double>, entry: SIMD3<Double>, forward: SIMD3<Double>, spec: Preset.RadiofrequencySpec) {
        let activeEnd = tip - forward * spec.activeLengthMM
        activeRods.append(Rod(startMM: tip, endMM: activeEnd, radiusMM: spec.diameterMM / 2))
        shafts.append(Rod(startMM: activeEnd, endMM: entry, radiusMM: spec.diameterMM / 2))
    }

    /// Voxels (grid order, sorted) of every conductor. A bare tip is a cylinder of the electrode's
    /// diameter, a tine every voxel whose centre lies within the tine's radius of its centreline;
    /// both also take every voxel their centreline passes through, so a conductor thinner than a
    /// voxel is never lost (it is then as thick as a voxel: summary.json warns).
    package func electrodeVoxels(grid g: Grid3D) -> [Int] {
        ElectrodeGeometry.rodVoxels(activeRods, grid: g).union(tineVoxels(grid: g)).sorted()
    }

    /// Voxels of bare rods: each a cylinder of its radius, and every voxel its axis passes through.
    package static func rodVoxels(_ rods: [Rod], grid g: Grid3D) -> Set<Int> {
        var voxels = Set<Int>()
        for rod in rods {
            voxels.formUnion(inside(Cylinder(startMM: rod.startMM, endMM: rod.endMM, radiusMM: rod.radiusMM), grid: g))
            voxels.formUnion(alongLine(rod.startMM, rod.endMM, grid: g))
        }
        return voxels
    }

    /// Voxels of the tines (none without a tine array).
    private func tineVoxels(grid g: Grid3D) -> Set<Int> {
        var voxels = Set<Int>()
        for tine in tineArray?.tines ?? [] {
            for s in 0..<(tine.count - 1) {
                voxels.formUnion(ElectrodeGeometry.nearSegment(tine[s], tine[s + 1], radiusMM: tineRadiusMM, grid: g))
                voxels.formUnion(ElectrodeGeometry.alongLine(tine[s], tine[s + 1], grid: g))
            }
        }
        return voxels
    }

    /// Conductor voxels that hold a wire thinner than the voxel (tines narrower than the spacing):
    /// the potential solve treats them as tissue around a wire through their centre
    /// (PotentialSolver.thinConductor). Bare needle tips are never thin here: they are cooled, and
    /// their voxels sit at the coolant temperature.
    package func thinConductorVoxels(grid g: Grid3D) -> [Int] {
        guard 2 * tineRadiusMM < g.spacingMM else { return [] }
        return tineVoxels(grid: g).sorted()
    }

    /// A link from a needle tip's voxel to a tissue voxel beside it, and where the needle's true
    /// (cylindrical) surface cuts that link.
    package struct SurfaceContact {
        /// Grid (linear) indices.
        package var electrodeVoxel: Int
        package var tissueVoxel: Int
        /// Distance from the tissue voxel's centre to the needle's surface along the link, in
        /// spacings, in [minimumContactFraction, 1].
        package var fraction: Double
    }

    /// Smallest contact fraction: a tissue centre closer than a tenth of a voxel to the metal is
    /// treated as a tenth away, so no face conductance grows without bound.
    static let minimumContactFraction = 0.1

    /// Every link from a bare needle tip's voxel to a tissue voxel, with where the tip's surface
    /// cuts it. Why: the voxels of a 1.5 mm needle form a 1-voxel or a 2 x 2-voxel bar depending on
    /// where the axis falls between voxel centres (1 or 2 mm wide at 1 mm spacing, 1 or 1.5 mm at
    /// 0.5 mm), and with the voxel faces as its surface both its resistance and its coolant's pull
    /// changed with that accident of placement. Placing the potential and the coolant temperature
    /// on the true surface along each link (Shortley-Weller boundary) makes them follow the
    /// needle's real diameter. A link whose electrode end lies outside the cylinder (a needle
    /// thinner than the voxels, kept as the voxels its axis passes through) keeps the voxel face
    /// (fraction 0.5). Tines are thin wires and are handled by the potential solve
    /// (PotentialSolver.thinConductor), so only needle tips have contacts.
    ///
    /// `includingShafts` (the coolant's contacts, not the voltage's): the cooled needles' shafts too,
    /// whose wall the coolant also runs behind.
    package func surfaceContacts(grid g: Grid3D, includingShafts: Bool = false) -> [SurfaceContact] {
        guard !activeRods.isEmpty else { return [] }
        // Needles have no tines, so their conductors are the tips' voxels. Links between two needle
        // voxels carry nothing.
        let tips = electrodeVoxels(grid: g)
        let needle = includingShafts ? Set(tips).union(shaftVoxels(grid: g)) : Set(tips)
        return ElectrodeGeometry.surfaceContacts(rods: activeRods + (includingShafts ? shafts : []), voxels: needle, grid: g)
    }

    /// The links from each of `voxels` (the rods' voxels) to its face neighbours outside them, each
    /// with the fraction of the link, from the tissue end, that lies outside the rods' surface.
    package static func surfaceContacts(rods: [Rod], voxels needle: Set<Int>, grid g: Grid3D) -> [SurfaceContact] {
        let cylinders = rods.map { Cylinder(startMM: $0.startMM, endMM: $0.endMM, radiusMM: $0.radiusMM) }
        func distance(_ p: SIMD3<Double>) -> Double { cylinders.map { $0.signedDistance(p) }.min()! }
        var contacts: [SurfaceContact] = []
        for e in needle.sorted() {
            let i = e % g.nx, j = (e / g.nx) % g.ny, k = e / (g.nx * g.ny)
            let pE = g.worldPosition(i, j, k)
            for (di, dj, dk) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                let (ti, tj, tk) = (i + di, j + dj, k + dk)
                guard ti >= 0, ti < g.nx, tj >= 0, tj < g.ny, tk >= 0, tk < g.nz else { continue }
                let t = g.linearIndex(ti, tj, tk)
                guard !needle.contains(t) else { continue }
                let pT = g.worldPosition(ti, tj, tk)
                var fraction = 0.5
                if distance(pE) <= 0 {
                    // Bisect for the first point of the link (from the tissue end) inside the metal.
                    var outside = 0.0, inside = 1.0
                    if distance(pT) <= 0 { inside = 0 }
                    for _ in 0..<40 where inside > 0 {
                        let mid = (outside + inside) / 2
                        if distance(pT + (pE - pT) * mid) <= 0 { inside = mid } else { outside = mid }
                    }
                    fraction = inside
                }
                contacts.append(SurfaceContact(electrodeVoxel: e, tissueVoxel: t,
                                               fraction: max(fraction, ElectrodeGeometry.minimumContactFraction)))
            }
        }
        return contacts
    }

    /// Voxels of the insulated shafts that no conductor claims: a cylinder of the needle's diameter,
    /// and the voxels its axis passes through, so that a shaft thinner than a voxel still insulates
    /// (and, on a cooled needle, still carries its coolant).
    package func shaftVoxels(grid g: Grid3D) -> [Int] {
        let electrode = Set(electrodeVoxels(grid: g))
        var voxels = Set<Int>()
        for rod in shafts {
            voxels.formUnion(ElectrodeGeometry.inside(Cylinder(startMM: rod.startMM, endMM: rod.endMM, radiusMM: rod.radiusMM), grid: g))
            voxels.formUnion(ElectrodeGeometry.alongLine(rod.startMM, rod.endMM, grid: g))
        }
        return voxels.subtracting(electrode).sorted()
    }

    /// Voxels held at the coolant temperature while the pump runs: the whole needle of cooled
    /// electrodes (the coolant runs down the shaft to the tip and back), none otherwise.
    func cooledVoxels(grid g: Grid3D) -> [Int] {
        isCooled ? Set(electrodeVoxels(grid: g)).union(shaftVoxels(grid: g)).sorted() : []
    }

    /// Voxels the needle's metal fills, which are no tissue: every conductor, and the shafts of
    /// cooled needles (held cold, they would never die). A multi-tine trocar's shaft stays tissue that
    /// only conducts no current, as before cooled shafts existed.
    func metalVoxels(grid g: Grid3D) -> [Int] {
        isCooled ? cooledVoxels(grid: g) : electrodeVoxels(grid: g)
    }

    static func inside(_ shape: Cylinder, grid g: Grid3D) -> [Int] {
        let (lo, hi) = shape.boundingBoxMM
        guard let (rx, ry, rz) = g.voxelRange(coveringMin: lo, max: hi) else { return [] }
        var out: [Int] = []
        for k in rz { for j in ry { for i in rx where shape.contains(g.worldPosition(i, j, k)) { out.append(g.linearIndex(i, j, k)) } } }
        return out
    }

    /// Voxels whose centre lies within `radiusMM` of the segment (a capsule, so consecutive
    /// segments of a curved tine join without gaps).
    package static func nearSegment(_ a: SIMD3<Double>, _ b: SIMD3<Double>, radiusMM: Double, grid g: Grid3D) -> [Int] {
        guard let (rx, ry, rz) = g.voxelRange(coveringMin: pointwiseMin(a, b) - radiusMM, max: pointwiseMax(a, b) + radiusMM) else { return [] }
        var out: [Int] = []
        for k in rz { for j in ry { for i in rx where NeedleFrame.distance(g.worldPosition(i, j, k), segment: a, b) <= radiusMM {
            out.append(g.linearIndex(i, j, k))
        } } }
        return out
    }

    /// Voxels containing points of the segment, sampled every half spacing.
    static func alongLine(_ a: SIMD3<Double>, _ b: SIMD3<Double>, grid g: Grid3D) -> [Int] {
        let d = b - a
        let steps = Int((d * d).sum().squareRoot() / (g.spacingMM / 2)) + 1
        var out: [Int] = []
        for s in 0...steps {
            if let (i, j, k) = g.voxel(containing: a + d * (Double(s) / Double(steps))) { out.append(g.linearIndex(i, j, k)) }
        }
        return out
    }
}

/// The voxels of an RF applicator's parts, for the scene, the thermal model and the driver.
package enum RadiofrequencyGeometry {
    package static func electrodeVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        ElectrodeGeometry(spec).electrodeVoxels(grid: g)
    }

    package static func shaftVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        ElectrodeGeometry(spec).shaftVoxels(grid: g)
    }

    package static func cooledVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        ElectrodeGeometry(spec).cooledVoxels(grid: g)
    }

    package static func metalVoxels(_ spec: Preset.RadiofrequencySpec, grid g: Grid3D) -> [Int] {
        ElectrodeGeometry(spec).metalVoxels(grid: g)
    }
}
