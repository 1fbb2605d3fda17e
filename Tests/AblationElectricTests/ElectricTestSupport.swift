import AblationKernels
@testable import AblationElectric

/// Conductivity and electrode mask of one test problem on a padded grid.
struct ElectricProblem {
    let layout: PaddedLayout
    let spacingM: Double
    let sigma: AlignedBuffer<Float>
    let electrode: AlignedBuffer<UInt8>
    var electrodeVoxels: Int

    init(n: Int, spacingM: Double, background: Float) {
        self.init(nx: n, ny: n, nz: n, spacingM: spacingM, background: background)
    }

    init(nx: Int, ny: Int, nz: Int, spacingM: Double, background: Float) {
        layout = PaddedLayout(nx: nx, ny: ny, nz: nz)
        self.spacingM = spacingM
        sigma = AlignedBuffer(count: layout.count, repeating: 0)
        electrode = AlignedBuffer(count: layout.count, repeating: 0)
        electrodeVoxels = 0
        forEachVoxel { idx, _, _, _ in sigma[idx] = background }
    }

    /// Voxel centre in metres, the grid centred on the origin.
    func centre(_ i: Int, _ j: Int, _ k: Int) -> (Double, Double, Double) {
        ((Double(i) - Double(layout.nx - 1) / 2) * spacingM,
         (Double(j) - Double(layout.ny - 1) / 2) * spacingM,
         (Double(k) - Double(layout.nz - 1) / 2) * spacingM)
    }

    func forEachVoxel(_ body: (Int, Double, Double, Double) -> Void) {
        let L = layout
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let (x, y, z) = centre(i, j, k)
            body(L.index(i, j, k), x, y, z)
        } } }
    }

    /// Marks voxels whose centre satisfies `inside` as electrode.
    mutating func addElectrode(_ inside: (Double, Double, Double) -> Bool) {
        var added = 0
        let e = electrode
        forEachVoxel { idx, x, y, z in
            if inside(x, y, z), e[idx] == 0 { e[idx] = 1; added += 1 }
        }
        electrodeVoxels += added
    }

    func makeSolver(threads: Int = 2) -> PotentialSolver {
        let s = PotentialSolver(layout: layout, spacingM: spacingM, threads: threads)
        s.setConductivity(sigma)
        s.setElectrode(electrode)
        return s
    }

    /// Cooled-tip-like needle along z in liver: active cylinder of radius 0.75 mm and length 30 mm
    /// centred in an 80 mm cube, and an insulating shaft (sigma 1e-6 S/m) of the same radius from the
    /// top of the tip to the top face. The axis runs through the centre column of voxels.
    static func cooledTip(n: Int, boxM: Double = 0.08) -> ElectricProblem {
        let h = boxM / Double(n)
        var p = ElectricProblem(n: n, spacingM: h, background: 0.333)
        let radius = 0.75e-3, halfLength = 15e-3
        // Axis through the voxel centre at index n / 2.
        let (ax, ay, _) = p.centre(n / 2, n / 2, 0)
        let tolerance = 1e-9
        p.addElectrode { x, y, z in
            let r2 = (x - ax) * (x - ax) + (y - ay) * (y - ay)
            return r2 <= radius * radius + tolerance * tolerance && abs(z) <= halfLength + tolerance
        }
        let s = p.sigma, e = p.electrode
        p.forEachVoxel { idx, x, y, z in
            let r2 = (x - ax) * (x - ax) + (y - ay) * (y - ay)
            if r2 <= radius * radius + 1e-18, z > halfLength, e[idx] == 0 { s[idx] = 1e-6 }
        }
        return p
    }
}

/// sum over interior voxels of values * volume.
func integrate(_ q: AlignedBuffer<Float>, layout L: PaddedLayout, spacingM h: Double) -> Double {
    var s = 0.0
    for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx { s += Double(q[L.index(i, j, k)]) } } }
    return s * h * h * h
}
