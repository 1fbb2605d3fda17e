import AblationGrid

/// Where a run's zone meets the edge of its grid. A zone that reaches a face is cut there: the
/// outer boundary holds the tissue at its fixed temperature (or insulates it), so the true zone
/// would be larger, and its size, axes and margins are not to be trusted on that side.
public struct BoundaryContact: Sendable, Equatable {
    /// The grid faces with necrosis in their outermost voxel layer, as "-x", "+x", "-y", ... .
    public var faces: [String]

    public var touchesBoundary: Bool { !faces.isEmpty }

    public init(necrosis: [UInt8], grid g: Grid3D) {
        precondition(necrosis.count == g.voxelCount, "necrosis must be a mask on the grid")
        var hit = [Bool](repeating: false, count: 6)
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                let row = g.nx * (j + g.ny * k)
                let yFace = j == 0 || j == g.ny - 1, zFace = k == 0 || k == g.nz - 1
                if !yFace && !zFace {
                    // Interior row: only its two end voxels lie on a face.
                    if necrosis[row] != 0 { hit[0] = true }
                    if necrosis[row + g.nx - 1] != 0 { hit[1] = true }
                    continue
                }
                for i in 0..<g.nx where necrosis[row + i] != 0 {
                    if i == 0 { hit[0] = true }
                    if i == g.nx - 1 { hit[1] = true }
                    if j == 0 { hit[2] = true }
                    if j == g.ny - 1 { hit[3] = true }
                    if k == 0 { hit[4] = true }
                    if k == g.nz - 1 { hit[5] = true }
                }
            }
        }
        faces = zip(["-x", "+x", "-y", "+y", "-z", "+z"], hit).filter(\.1).map(\.0)
    }

    /// One warning for everything the grid cuts off: necrosis at its faces and microwave power
    /// absorbed beyond them (`lostPower`: applicator index and the fraction of its absorbed power
    /// outside the grid). Nil when the grid holds the whole treatment.
    public func warning(lostPower: [(applicator: Int, fraction: Double)]) -> String? {
        let lost = lostPower.filter { $0.fraction > 0.01 }
        guard touchesBoundary || !lost.isEmpty else { return nil }
        var parts: [String] = []
        if touchesBoundary {
            parts.append("the necrosis zone reaches its \(faces.joined(separator: ", ")) face\(faces.count > 1 ? "s" : "") (the zone is cut there; its size, axes and margins on that side are too small)")
        }
        if !lost.isEmpty {
            let worst = lost.max { $0.fraction < $1.fraction }!
            let which = lost.map { "applicators.\($0.applicator)" }.joined(separator: ", ")
            parts.append(String(format: "%@ put%@ up to %.1f %% of the absorbed microwave power outside it, where it is lost",
                                which, lost.count > 1 ? "" : "s", 100 * worst.fraction))
        }
        return "the grid cuts the treatment short: \(parts.joined(separator: "; ")); enlarge grid.size_mm so that the zone ends inside the grid"
    }
}

/// Whether a necrotic voxel lies on a face of the grid (`necrosis`: one value per voxel, x fastest,
/// non-zero = necrotic): the zone is cut by the box, so its size and margins are not the patient's.
public func touchesBoundary(necrosis: [UInt8], grid: Grid3D) -> Bool {
    BoundaryContact(necrosis: necrosis, grid: grid).touchesBoundary
}
