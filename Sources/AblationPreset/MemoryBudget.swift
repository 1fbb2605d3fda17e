import AblationJSON
import Foundation

/// Refuses grids that would not fit in memory before anything is allocated.
public enum MemoryBudget {
    /// Bytes per voxel at the run's peak: two temperature fields and seven coefficient arrays
    /// (Float), the damage integral (Double) with rate and peak (Float), labels, unpadded output
    /// copies and two distance transforms (Double) for margins.
    public static let bytesPerVoxel = 2 * 4 + 7 * 4 + 8 + 4 + 4 + 1 + 4 * 4 + 2 * 8

    public static var physicalMemory: Double {
        Double(ProcessInfo.processInfo.physicalMemory)
    }

    public static func check(_ preset: Preset) throws(PresetError) {
        let s = preset.grid.sizeMM / preset.grid.spacingMM
        let counts = SIMD3<Double>(max(1, s.x.rounded()), max(1, s.y.rounded()), max(1, s.z.rounded()))
        // Padded layout: ghosts and row padding (up to 31 extra elements per row).
        let padded = (counts.x + 32) * (counts.y + 2) * (counts.z + 2)
        let needed = padded * Double(bytesPerVoxel)
        let available = physicalMemory * 0.8
        if needed > available || counts.x * counts.y * counts.z > 2e9 {
            throw PresetError(path: "grid", String(format: "%.0f x %.0f x %.0f = %.3g voxels need about %.3g GiB; this machine has %.3g GiB of memory (80 %% usable). Expected a coarser grid.spacing_mm or a smaller grid.size_mm",
                                                   counts.x, counts.y, counts.z, counts.x * counts.y * counts.z,
                                                   needed / 1_073_741_824, physicalMemory / 1_073_741_824))
        }
    }
}
