import AblationGrid
import AblationKernels
import AblationPreset

/// Heat exchange between tissue and the true surfaces of internally cooled needle tips
/// (ElectrodeGeometry.surfaceContacts): the tip's wall is at the coolant temperature, a fraction f
/// of a spacing from the centre of a tissue voxel beside it, so that link carries
/// k (T_c - T) / (f h) per unit area.
///
/// The explicit kernel does not carry these links (their faces are 0 in PennesOperator); every
/// step ends with the backward-Euler exchange of SurfaceExchange instead, each link weighted 1 / f
/// towards the coolant temperature. The heat it removes is what the coolant carries away.
final class CooledSurfaceContact: @unchecked Sendable {
    // @unchecked: used only by the simulation loop between kernel launches.
    struct Link {
        var applicator: Int
        /// Grid (linear) indices.
        var tissueVoxel: Int
        var electrodeVoxel: Int
        var fraction: Double
        var coolantC: Double
    }

    /// One tissue voxel beside a tip: the sums over its links.
    private struct Neighbour {
        var padded: Int
        var row: Int
        var applicator: Int
        /// sum_f 1 / f and sum_f T_c / f.
        var inverseFractions: Double
        var weightedCoolant: Double
    }

    private let links: [Link]
    private let neighbours: [Neighbour]
    private let layout: PaddedLayout
    private let spacingM: Double
    /// Heat the coolant has taken from the tissue, per applicator (J).
    private(set) var removedEnergyJ: [Double]

    init(links: [Link], grid g: Grid3D, applicatorCount: Int) {
        self.links = links
        let L = PaddedLayout(nx: g.nx, ny: g.ny, nz: g.nz)
        layout = L
        spacingM = g.spacingMM * 1e-3
        // One entry per tissue voxel and applicator, so that each pump can stop on its own.
        var byVoxel: [Int: Neighbour] = [:]
        for link in links {
            let t = link.tissueVoxel
            let key = t * (applicatorCount + 1) + link.applicator
            let i = t % g.nx, j = (t / g.nx) % g.ny, k = t / (g.nx * g.ny)
            var n = byVoxel[key] ?? Neighbour(padded: L.index(i, j, k), row: L.row(j, k), applicator: link.applicator,
                                            inverseFractions: 0, weightedCoolant: 0)
            n.inverseFractions += 1 / link.fraction
            n.weightedCoolant += link.coolantC / link.fraction
            byVoxel[key] = n
        }
        // Grid order: the update is the same whatever the thread count or hashing.
        neighbours = byVoxel.keys.sorted().map { byVoxel[$0]! }
        removedEnergyJ = [Double](repeating: 0, count: applicatorCount)
    }

    /// Applicators whose pump has stopped (ThermalModel.stopCoolant).
    private var stopped = Set<Int>()

    func stop(applicator n: Int) { stopped.insert(n) }

    /// Zeroes the kernel's faces across the links (the update below carries them).
    func removeKernelFaces(from op: PennesOperator) {
        let L = layout
        for link in links {
            let a = L.index(linear: link.tissueVoxel), b = L.index(linear: link.electrodeVoxel)
            let lower = min(a, b), step = abs(a - b)
            switch step {
            case 1: op.gx[lower] = 0
            case L.strideY: op.gy[lower] = 0
            default: op.gz[lower] = 0
            }
        }
    }

    /// Applies one step's exchange to `T` and flags the rows it changed in `activity.changed`.
    func apply(to T: AlignedBuffer<Float>, dt: Double, model: ThermalModel, activity: RowActivity) {
        let h2 = spacingM * spacingM, volume = spacingM * h2
        for n in neighbours where !stopped.contains(n.applicator) {
            let inverseC = Double(model.op.inverseHeatCapacity[n.padded])
            // Vessel voxels hold blood temperature.
            guard inverseC > 0 else { continue }
            let a = dt * model.conductivity(atPadded: n.padded) * inverseC / h2
            let before = Double(T[n.padded])
            let after = SurfaceExchange.implicitStep(from: before, coupling: a, weightedSurfaceTemperature: n.weightedCoolant,
                                                     weight: n.inverseFractions)
            let updated = Float(after)
            if updated != T[n.padded] {
                T[n.padded] = updated
                activity.changed[n.row] = 1
            }
            // Flux form at the new temperature: equals the heat the update took out.
            removedEnergyJ[n.applicator] += (before - after) / inverseC * volume
        }
    }
}
