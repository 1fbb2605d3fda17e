import AblationGrid

/// Whether a zone reaches the edge of the simulated box: a necrotic voxel on any of the grid's six
/// faces. The outer boundary is a fixed temperature (or no flux), not tissue, so such a zone is cut
/// by the box and its size, margins and healthy volume are not the patient's.
///
/// `necrosis`: one value per voxel in the grid's storage order (x fastest), non-zero = necrotic.
public func touchesBoundary(necrosis: [UInt8], grid: Grid3D) -> Bool {
    precondition(necrosis.count == grid.voxelCount, "the mask must have one value per voxel of the grid")
    let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
    for k in 0..<nz {
        let zFace = k == 0 || k == nz - 1
        for j in 0..<ny {
            let row = grid.linearIndex(0, j, k)
            if zFace || j == 0 || j == ny - 1 {
                // A whole row of a face.
                for i in 0..<nx where necrosis[row + i] != 0 { return true }
            } else if necrosis[row] != 0 || necrosis[row + nx - 1] != 0 {
                return true
            }
        }
    }
    return false
}
