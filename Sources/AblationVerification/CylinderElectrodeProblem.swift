import AblationElectric
import AblationGrid
import AblationKernels
import AblationPreset
import Foundation

/// A bare needle tip (a flat-ended cylinder of radius a and length 2l along z) at the centre of the
/// potential solver's grounded box (a cube of side s = (n + 1) h), in tissue of uniform conductivity,
/// solved by the production `PotentialSolver` with the voxels and surface contacts the product gives
/// an RF needle's bare tip (`ElectrodeGeometry.rodVoxels` and `ElectrodeGeometry.surfaceContacts`,
/// as RadiofrequencyElectrode does, without the insulated shaft).
struct CylinderElectrodeProblem {
    let n: Int
    let spacingM: Double
    let sigma: Double
    let voltage: Double
    let layout: PaddedLayout
    let solver: PotentialSolver
    let result: PotentialSolver.Result

    var boxSideM: Double { Double(n + 1) * spacingM }

    init(boxSideM s: Double, spacingM h: Double, radiusM a: Double, halfLengthM l: Double, sigma: Double, voltage: Double,
         threads: Int) {
        n = Int((s / h).rounded()) - 1
        precondition(n % 2 == 1, "the box must have a voxel at its centre")
        spacingM = h
        self.sigma = sigma
        self.voltage = voltage
        let hMM = h * 1000, c = Double((n - 1) / 2)
        let grid = Grid3D(nx: n, ny: n, nz: n, spacingMM: hMM, originMM: SIMD3(repeating: -c * hMM))
        let rod = ElectrodeGeometry.Rod(startMM: [0, 0, -l * 1000], endMM: [0, 0, l * 1000], radiusMM: a * 1000)
        let voxels = ElectrodeGeometry.rodVoxels([rod], grid: grid)
        let contacts = ElectrodeGeometry.surfaceContacts(rods: [rod], voxels: voxels, grid: grid)
        let L = PaddedLayout(nx: n, ny: n, nz: n)
        layout = L
        let conductivity = AlignedBuffer<Float>(count: L.count, repeating: 0)
        let mask = AlignedBuffer<UInt8>(count: L.count, repeating: 0)
        for k in 0..<n { for j in 0..<n { for i in 0..<n { conductivity[L.index(i, j, k)] = Float(sigma) } } }
        for v in voxels { mask[L.index(linear: v)] = 1 }
        solver = PotentialSolver(layout: L, spacingM: h, threads: threads)
        solver.setConductivity(conductivity)
        solver.setElectrode(mask)
        solver.setSurfaceContacts(contacts.map {
            (electrode: L.index(linear: $0.electrodeVoxel), tissue: L.index(linear: $0.tissueVoxel), fraction: $0.fraction)
        })
        result = solver.solve(voltage: voltage, tolerance: 1e-8)
    }

    /// The solved potential (V) at the voxel centre `x` (m from the electrode's centre), which must
    /// be a voxel centre of this grid.
    func potential(at x: SIMD3<Double>) -> Double {
        let c = (n - 1) / 2
        let scaled = x / spacingM, index = scaled.rounded(.toNearestOrAwayFromZero)
        let offset = scaled - index
        precondition((offset * offset).max() < 1e-12, "not a voxel centre")
        return Double(solver.potential[layout.index(c + Int(index.x), c + Int(index.y), c + Int(index.z))])
    }
}
