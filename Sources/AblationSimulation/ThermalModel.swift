import AblationGrid
import AblationKernels
import AblationPreset
import AblationTissue

/// Fills the kernel's coefficient arrays from the scene and keeps them current as tissue changes.
///
/// This is the hook for temperature- and damage-dependent tissue: `respond(to:)` runs after every
/// damage sample and may rewrite coefficients of non-linear voxels. Today it implements perfusion
/// shutdown (perfusion stops where the damage measure has reached the necrosis threshold) and
/// temperature-dependent conductivity (`respondToTemperature`, TissuePropertyLaw); vaporisation
/// corrects each step separately (Vaporisation).
public final class ThermalModel: @unchecked Sendable {
    // @unchecked: mutated only by the simulation loop between kernel launches.
    public let op: PennesOperator
    public let boundary: GhostBoundary
    let grid: Grid3D
    let labelMaterial: [Material]
    let labels: [UInt8]
    let bloodHeatCapacity: Double
    let arterialC: Double
    /// Per voxel (grid order): perfusion may shut down here (non-linear, perfused, not a vessel).
    private var canShutDown: [Bool] = []
    /// Per row (PaddedLayout.row): how many of its voxels may still shut down. Every damage sample
    /// visits every necrotic row, and most of them have no candidate left.
    private var rowCandidates: [Int32] = []
    /// Voxels held at a fixed temperature besides vessels: cooled needles.
    private(set) var cooledVoxels: [(voxel: Int, temperatureC: Float)] = []
    /// The tissue's heat exchange with those needles' true surfaces (nil without cooled needles).
    private(set) var cooledContact: CooledSurfaceContact?
    /// Per applicator index: its cooled voxels (grid order) while its pump runs.
    private(set) var pumpedVoxels: [Int: [Int]] = [:]
    /// k(T) in non-linear tissue; nil when every conductivity is constant.
    private(set) var conductivityResponse: ConductivityResponse?
    /// Per label: the conductivity of voxels that follow no law (the wall film for convective
    /// vessels, the blood's own once a vessel has occluded).
    private(set) var fixedConductivity: [Double] = []
    /// Per label: a vessel whose lumen may turn into stagnant blood (VesselOcclusion).
    let occludable: [Bool]
    /// Per label: a vessel tree, whose wall film differs from segment to segment.
    let treeLabels: [Bool]
    /// Per padded voxel of a flowing tree segment: the conductivity carrying its wall film, which
    /// overrides its label's `fixedConductivity` (VesselTreeFlow). Empty without vessel trees.
    private(set) var voxelFilm: [Int: Double] = [:]
    let spacingSquared: Double
    /// The first response rebuilds every row (the initial temperature may differ from 37 °C).
    private var respondedOnce = false

    /// `cooledNeedles`: needles held at a coolant temperature while their pump runs (the RF
    /// applicators describe theirs: `init(preset:scene:)`).
    init(preset: Preset, scene: Scene, cooledNeedles: [CooledNeedle]) {
        let g = scene.grid
        grid = g
        let L = PaddedLayout(nx: g.nx, ny: g.ny, nz: g.nz)
        op = PennesOperator(layout: L)
        let labels = scene.labels
        let labelMaterial = scene.labelMaterials.map { preset.materials[$0]! }
        self.labels = labels
        self.labelMaterial = labelMaterial
        bloodHeatCapacity = preset.blood.volumetricHeatCapacity
        arterialC = preset.blood.temperatureC
        switch preset.boundary.kind {
        case .dirichlet: boundary = GhostBoundary(all: .dirichlet(Float(preset.boundary.temperatureC)))
        case .adiabatic: boundary = GhostBoundary(all: .adiabatic)
        }
        let h2 = (g.spacingMM * 1e-3) * (g.spacingMM * 1e-3)
        spacingSquared = h2
        occludable = [false] + preset.regions.map { $0.vessel && $0.flow?.occlusion == .thermal }
        let treeLabels = [false] + scene.vesselTrees.map { $0 != nil }
        self.treeLabels = treeLabels
        var isVessel = [Bool](repeating: false, count: g.voxelCount)
        for v in scene.vesselVoxels { isVessel[v] = true }
        var candidates = [Bool](repeating: false, count: g.voxelCount)
        // Convective vessels carry their wall film in their conductivity (VesselFlow.filmConductivity).
        let film: [Double?] = [nil] + VesselFlow.wallCoefficients(preset: preset, grid: g).map { h in
            h.map { VesselFlow.filmConductivity(wallCoefficient: $0, spacingMM: g.spacingMM) }
        }
        // A vessel tree's film, segment by segment.
        let treeFilm = VesselFlow.treeFilm(preset: preset, scene: scene)
        for (v, k) in treeFilm { voxelFilm[L.index(linear: v)] = k }
        // Conductivity including ghosts (ghosts copy their interior neighbour).
        func k(_ i: Int, _ j: Int, _ kk: Int) -> Double {
            let c = (min(max(i, 0), g.nx - 1), min(max(j, 0), g.ny - 1), min(max(kk, 0), g.nz - 1))
            let lin = g.linearIndex(c.0, c.1, c.2)
            let label = Int(labels[lin])
            if treeLabels[label], let f = treeFilm[lin] { return f }
            return film[label] ?? labelMaterial[label].conductivityWMK
        }
        func harmonic(_ a: Double, _ b: Double) -> Float { Float(2 * a * b / (a + b) / h2) }
        for kk in -1..<g.nz {
            for j in -1..<g.ny {
                for i in -1..<g.nx {
                    let idx = L.index(i, j, kk)
                    if j >= 0, kk >= 0 { op.gx[idx] = harmonic(k(i, j, kk), k(i + 1, j, kk)) }
                    if i >= 0, kk >= 0 { op.gy[idx] = harmonic(k(i, j, kk), k(i, j + 1, kk)) }
                    if i >= 0, j >= 0 { op.gz[idx] = harmonic(k(i, j, kk), k(i, j, kk + 1)) }
                }
            }
        }
        for kk in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx {
                    let lin = g.linearIndex(i, j, kk)
                    let idx = L.index(i, j, kk)
                    let m = labelMaterial[Int(labels[lin])]
                    if isVessel[lin] {
                        // Flowing blood at blood temperature: the voxel is a fixed-temperature sink.
                        op.inverseHeatCapacity[idx] = 0
                        continue
                    }
                    let w = m.perfusionPerS * bloodHeatCapacity
                    op.inverseHeatCapacity[idx] = Float(1 / m.volumetricHeatCapacity)
                    op.perfusion[idx] = Float(w)
                    op.baseSource[idx] = Float(w * arterialC + m.metabolicHeatWM3)
                    if !m.linear && w > 0 { candidates[lin] = true }
                }
            }
        }
        // Cooled needles: their voxels are held at the coolant temperature while the pump runs.
        var contacts: [CooledSurfaceContact.Link] = []
        for needle in cooledNeedles {
            contacts += needle.contacts
            for v in needle.voxels {
                let idx = L.index(linear: v)
                op.inverseHeatCapacity[idx] = 0
                op.perfusion[idx] = 0
                op.baseSource[idx] = 0
                candidates[v] = false
                cooledVoxels.append((v, Float(needle.coolantC)))
                pumpedVoxels[needle.applicator, default: []].append(v)
            }
        }
        if !contacts.isEmpty {
            let contact = CooledSurfaceContact(links: contacts, grid: g, applicatorCount: preset.applicators.count)
            contact.removeKernelFaces(from: op)
            cooledContact = contact
        }
        canShutDown = candidates
        rowCandidates = (0..<L.rowCount).map { r in
            let start = r * g.nx
            return Int32(candidates[start..<(start + g.nx)].count { $0 })
        }
        let cooled = Set(cooledVoxels.map(\.voxel))
        fixedConductivity = labelMaterial.indices.map { film[$0] ?? labelMaterial[$0].conductivityWMK }
        conductivityResponse = ConductivityResponse(
            layout: L, grid: g, labels: labels, laws: labelMaterial.map(TissuePropertyLaw.init),
            fixedConductivity: fixedConductivity,
            follows: { !isVessel[$0] && !cooled.contains($0) }, held: { cooled.contains($0) })
        conductivityResponse?.voxelFilm = voxelFilm
        op.classifyRows()
    }

    /// Stops the coolant of applicator `n` (its generator has stopped, and so does the pump, as in
    /// the Cool-tip protocol's pump-off check): the needle's voxels stop being held, take the heat
    /// capacity and conductivity of the tissue they were cut from (a thin steel tube full of water,
    /// which the voxel cannot resolve) and exchange heat through ordinary faces from now on.
    func stopCoolant(applicator n: Int) {
        guard let voxels = pumpedVoxels.removeValue(forKey: n) else { return }
        let L = op.layout
        let padded = voxels.map { L.index(linear: $0) }
        for (v, idx) in zip(voxels, padded) {
            op.inverseHeatCapacity[idx] = Float(1 / labelMaterial[Int(labels[v])].volumetricHeatCapacity)
            conductivityResponse?.held[idx] = 0
        }
        for idx in padded {
            op.rebuildFaces(of: idx, own: conductivity(atPadded: idx), conductivity: conductivity(atPadded:), face: face)
        }
        cooledContact?.stop(applicator: n)
        op.classifyRows()
    }

    /// Brings conductivities up to date with the temperature field (rows that changed since the last
    /// damage sample), reclassifies the rows whose faces changed and returns them, to be marked
    /// active. Call before the damage sample, which clears the change flags.
    @discardableResult
    public func respondToTemperature(_ T: AlignedBuffer<Float>, activity: RowActivity, threads: Int = 1) -> Set<Int> {
        guard let conductivityResponse else { return [] }
        let rows = conductivityResponse.update(temperature: T, activity: activity, op: op, all: !respondedOnce, threads: threads)
        respondedOnce = true
        guard !rows.isEmpty else { return [] }
        let L = op.layout
        let touched = L.withNeighbourRows(rows)
        // Only rows still marked uniform can be wrong now; a general row stays correct (and heated
        // rows, whose conductivity keeps changing, are general anyway), so the others are not rescanned.
        op.classify(rows: Array(touched.filter { op.rowClass[$0] >= 0 }), threads: threads)
        return touched
    }

    /// The explicit step's monotone bound for the largest coefficients the run can reach: with
    /// k(T), every face at the largest conductivity its two voxels' laws allow (the harmonic mean
    /// grows with both arguments), so a step chosen once stays a convex combination however the
    /// tissue heats. A vessel that may occlude counts in both states: its lumen as the stagnant
    /// blood it may become (its own heat capacity, the blood's conductivity towards itself), and
    /// towards its neighbours the larger of its wall film and the blood's conductivity. Without
    /// laws or occludable vessels this is exactly `op.stableTimeStep()`.
    public func stableTimeStep() -> Double {
        guard conductivityResponse != nil || occludable.contains(true) else { return op.stableTimeStep() }
        let L = op.layout
        let nx = grid.nx, nxy = grid.nx * grid.ny
        let films = voxelFilm
        func kMax(_ idx: Int, _ lin: Int) -> Double {
            let label = Int(labels[lin])
            let fixed = films.isEmpty ? fixedConductivity[label] : films[idx] ?? fixedConductivity[label]
            if occludable[label] { return max(fixed, labelMaterial[label].conductivityWMK) }
            if let response = conductivityResponse, !response.centres[idx].isNaN { return response.laws[label]!.maximumConductivity }
            return fixed
        }
        var worst = 0.0
        for k in 0..<L.nz { for j in 0..<L.ny { for i in 0..<L.nx {
            let idx = L.index(i, j, k), lin = grid.linearIndex(i, j, k)
            let label = Int(labels[lin])
            let lumen = occludable[label]
            var a = lumen ? 1 / labelMaterial[label].volumetricHeatCapacity : Double(op.inverseHeatCapacity[idx])
            if a == 0 { continue }
            if let response = conductivityResponse, !response.centres[idx].isNaN, let law = response.laws[label], law.followsHeatCapacity {
                a = 1 / law.minimumHeatCapacity
            }
            let own = lumen ? labelMaterial[label].conductivityWMK : kMax(idx, lin)
            func g(_ n: Int, _ nLin: Int, _ inside: Bool) -> Double {
                // The rest of an occluding lumen stagnates with it; a tree's other segments may flow on.
                let other = !inside ? own : (lumen && Int(labels[nLin]) == label && !treeLabels[label] ? own : kMax(n, nLin))
                return Double(face(own, other))
            }
            let sumG = g(idx + 1, lin + 1, i + 1 < L.nx) + g(idx - 1, lin - 1, i > 0)
                + g(idx + L.strideY, lin + nx, j + 1 < L.ny) + g(idx - L.strideY, lin - nx, j > 0)
                + g(idx + L.strideZ, lin + nxy, k + 1 < L.nz) + g(idx - L.strideZ, lin - nxy, k > 0)
            worst = max(worst, a * (sumG + Double(op.perfusion[idx])))
        } } }
        return worst > 0 ? 1 / worst : .infinity
    }

    /// Face conductance between two conductivities, the same expression as at set-up.
    @inline(__always) func face(_ a: Double, _ b: Double) -> Float { Float(2 * a * b / (a + b) / spacingSquared) }

    /// The conductivity a voxel's faces were last built with (padded index of an interior voxel).
    func conductivity(atPadded idx: Int) -> Double {
        if let conductivityResponse { return conductivityResponse.conductivity(idx) }
        if !voxelFilm.isEmpty, let f = voxelFilm[idx] { return f }
        let L = op.layout
        let k = idx / L.strideZ - 1, j = (idx % L.strideZ) / L.strideY - 1, i = idx % L.strideY - 1
        return fixedConductivity[Int(labels[grid.linearIndex(i, j, k)])]
    }

    /// Drops the wall film of tree voxels (padded indices) whose segment stopped flowing: they take
    /// their label's conductivity, the blood's.
    func removeFilm(at voxels: [Int]) {
        guard !voxelFilm.isEmpty else { return }
        for idx in voxels {
            voxelFilm[idx] = nil
            conductivityResponse?.voxelFilm[idx] = nil
        }
    }

    /// Changes the conductivity of a label that follows no law (an occluded vessel's lumen).
    func setFixedConductivity(_ k: Double, label: UInt8) {
        fixedConductivity[Int(label)] = k
        conductivityResponse?.fixedConductivity[Int(label)] = k
    }

    /// Stops perfusion in voxels whose damage measure reached the material's stasis dose
    /// (`perfusionStasisDose` x `threshold`), looking only at `rows` (those the damage sample found
    /// necrotic voxels in: the stasis dose is never below the threshold, so no other row can hold
    /// one). Returns the rows whose coefficients changed; only those are reclassified.
    @discardableResult
    public func shutDownPerfusion(rows: [Int32], threshold: Double, threads: Int = 1, damage: (Int) -> Double) -> Set<Int> {
        let L = op.layout, g = grid, nx = grid.nx
        let stasisDamage = labelMaterial.map { threshold * $0.perfusionStasisDose }
        let metabolicHeat = labelMaterial.map { Float($0.metabolicHeatWM3) }
        let labels = self.labels
        let perfusion = op.perfusion, source = op.baseSource
        // Runs every damage sample over every row with necrotic voxels: with perfusion stopping
        // well past cell death those rows keep many candidates, so workers split them (each row
        // once: disjoint voxels and counters).
        let workers = max(1, min(threads, rows.count / 64))
        let chunks = (0..<workers).map { w in (rows.count * w / workers)..<(rows.count * (w + 1) / workers) }
        let changedPerWorker: [[Int]] = canShutDown.withUnsafeMutableBufferPointer { canBuffer in
            rowCandidates.withUnsafeMutableBufferPointer { candidateBuffer in
                nonisolated(unsafe) let can = canBuffer, candidates = candidateBuffer
                return ParallelSlabs.map(slabs: chunks) { _, chunk in
                    var changed: [Int] = []
                    for n in chunk {
                        let row = Int(rows[n])
                        guard candidates[row] > 0 else { continue }
                        let base = L.index(0, row % L.ny, row / L.ny)
                        let linearBase = g.linearIndex(0, row % L.ny, row / L.ny)
                        var rowChanged = false
                        for i in 0..<nx where can[linearBase + i] {
                            let label = Int(labels[linearBase + i])
                            guard damage(base + i) >= stasisDamage[label] else { continue }
                            perfusion[base + i] = 0
                            source[base + i] = metabolicHeat[label]
                            can[linearBase + i] = false
                            candidates[row] -= 1
                            rowChanged = true
                        }
                        if rowChanged { changed.append(row) }
                    }
                    return changed
                }
            }
        }
        let changedRows = Set(changedPerWorker.joined())
        if !changedRows.isEmpty { op.reclassify(rows: changedRows, threads: threads) }
        return changedRows
    }

    /// Writes the initial temperature (vessels at blood temperature) and the ghosts.
    public func initialTemperature(_ preset: Preset, scene: Scene) -> AlignedBuffer<Float> {
        let L = op.layout
        let T = AlignedBuffer<Float>(count: L.count, repeating: Float(preset.initialTemperatureC))
        for v in scene.vesselVoxels {
            let i = v % grid.nx, j = (v / grid.nx) % grid.ny, k = v / (grid.nx * grid.ny)
            T[L.index(i, j, k)] = Float(preset.blood.temperatureC)
        }
        for (v, t) in cooledVoxels {
            T[L.index(v % grid.nx, (v / grid.nx) % grid.ny, v / (grid.nx * grid.ny))] = t
        }
        boundary.fillGhosts(T, layout: L)
        return T
    }
}
