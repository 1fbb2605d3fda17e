import AblationAnalysis
import AblationGrid
import AblationIO
import AblationKernels
import AblationPreset
import AblationPreview
import AblationSimulation
import Foundation

/// Encodes every output file of a run (except summary.json, which needs the list of files).
/// Encoders are independent, so they run on all cores; gzip and deflate dominate.
enum RunOutputs {
    struct Inputs: @unchecked Sendable {
        // @unchecked: read-only snapshots of the run shared by the encoder threads.
        let result: SimulationResult
        let scene: Scene
        let necrosis: [UInt8]
        let analysis: ZoneAnalysis
        let geometry: VolumeGeometry
    }

    static func encode(_ inputs: Inputs, formats: [String]) throws -> [(String, Data)] {
        var encoders: [(String, @Sendable () throws -> Data)] = []
        let r = inputs.result, scene = inputs.scene, geometry = inputs.geometry, necrosis = inputs.necrosis
        let preset = r.preset
        let units = RunSummary.damageUnits(preset.damage.model)
        if formats.contains("nifti") {
            encoders.append(("necrosis.nii.gz", { try NIfTIWriter.data(uint8: necrosis, geometry: geometry, description: "ablsim necrosis mask (1 = necrotic)", gzip: true) }))
            encoders.append(("temperature_max.nii.gz", { try NIfTIWriter.data(float32: r.peakTemperature(), geometry: geometry, description: "ablsim peak temperature (C)", gzip: true) }))
            encoders.append(("damage.nii.gz", { try NIfTIWriter.data(float32: r.damageMeasure(), geometry: geometry, description: "ablsim damage: \(units)", gzip: true) }))
            encoders.append(("labels.nii.gz", { try NIfTIWriter.data(uint8: scene.labels, geometry: geometry, description: "ablsim tissue labels (see summary.json labels)", gzip: true) }))
        }
        if formats.contains("vti") {
            encoders.append(("zone.vti", {
                try VTIWriter.data(fields: [
                    VTIField(name: "temperature_max", values: .float32(r.peakTemperature())),
                    VTIField(name: "damage", values: .float32(r.damageMeasure())),
                    VTIField(name: "necrosis", values: .uint8(necrosis)),
                    VTIField(name: "labels", values: .uint8(scene.labels)),
                    VTIField(name: "temperature_final", values: .float32(r.temperature())),
                ], geometry: geometry)
            }))
        }
        if formats.contains("stl") {
            let surface = inputs.analysis.surface
            encoders.append(("ablation.stl", {
                try STLWriter.data(triangles: surface.triangles,
                                          header: "SPACE=RAS ablsim \(AblsimVersion.string) necrosis zone; mm; RAS+ world (NIfTI frame)")
            }))
        }
        if formats.contains("png") {
            encoders.append(("preview.png", { try preview(inputs) }))
        }
        if formats.contains("csv") {
            encoders.append(("timeseries.csv", { Data(RunSummary.timeSeriesCSV(r).utf8) }))
        }
        let encoded = UnsafeMutableBufferPointer<Result<Data, Error>?>.allocate(capacity: max(1, encoders.count))
        encoded.initialize(repeating: nil)
        defer { encoded.deallocate() }
        nonisolated(unsafe) let slots = encoded
        let jobs = encoders
        DispatchQueue.concurrentPerform(iterations: jobs.count) { n in slots[n] = Result { try jobs[n].1() } }
        var files: [(String, Data)] = []
        for (n, job) in jobs.enumerated() { files.append((job.0, try encoded[n]!.get())) }
        return files
    }

    /// Three orthogonal slices through the first target (or the first source, or the grid centre):
    /// tissue, isotherms, necrosis, targets, target + margin, vessels, needles and each target's
    /// weakest-margin point, under a header with the device, power, time and per-target verdict.
    static func preview(_ inputs: Inputs) throws -> Data {
        let r = inputs.result, scene = inputs.scene, g = scene.grid
        let preset = r.preset
        var target: [UInt8]? = nil, withMargin: [UInt8]? = nil
        var center = (g.lowerCornerMM + g.upperCornerMM) / 2
        if let first = scene.targets.first {
            var mask = [UInt8](repeating: 0, count: g.voxelCount)
            for t in scene.targets { for v in t.voxels { mask[v] = 1 } }
            target = mask
            let distance = DistanceTransform.distances(nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM) { mask[$0] != 0 }
            withMargin = distance.map { $0 <= preset.marginMM ? 1 : 0 }
            center = preset.regions[first.regionIndex].shape.center
        } else if let shape = preset.applicators.first?.heatSourceShape {
            center = shape.center
        } else if let needle = preset.applicators.compactMap(\.needle).first {
            center = needle.tipMM + (needle.entryMM - needle.tipMM) / ((needle.entryMM - needle.tipMM) * (needle.entryMM - needle.tipMM)).sum().squareRoot() * 10
        }
        var vessels: [UInt8]? = nil
        if !scene.vesselVoxels.isEmpty {
            var mask = [UInt8](repeating: 0, count: g.voxelCount)
            for v in scene.vesselVoxels { mask[v] = 1 }
            vessels = mask
        }
        let colors: [SIMD3<UInt8>] = scene.labelMaterials.enumerated().map { n, material in
            if n == 0 { return [150, 110, 100] }                       // background tissue
            switch material {
            case "tumor": return [205, 180, 120]
            case "blood": return [70, 70, 160]     // blue, so vessels never read as the red necrosis outline
            case "liver": return [150, 110, 100]
            default: return [120 + UInt8(truncatingIfNeeded: n * 37) % 100, 120, 140]
            }
        }
        let layers = PreviewLayers(
            geometry: inputs.geometry, labels: scene.labels, labelColors: colors, temperature: r.peakTemperature(),
            necrosis: inputs.necrosis, target: target, marginMM: preset.marginMM, targetPlusMargin: withMargin,
            vessels: vessels, applicators: preset.applicators.compactMap(\.needle),
            centerMM: center,
            title: preset.name,
            subtitle: PreviewText.applied(preset, simulatedTimeS: r.simulatedTime),
            verdicts: PreviewText.verdicts(inputs.analysis, requiredMarginMM: preset.marginMM))
        let image = SliceRenderer.render(layers)
        return try PNGEncoder.rgb(width: image.width, height: image.height, pixels: image.rgb,
                                  text: [("Software", "ablsim \(AblsimVersion.string)"), ("Title", PreviewText.latin1(preset.name)),
                                         ("Description", PreviewText.latin1(layers.headerLines.joined(separator: "\n")))])
    }
}
