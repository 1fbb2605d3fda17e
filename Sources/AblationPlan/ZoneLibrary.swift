import AblationGrid
import AblationIO
import AblationJSON
import AblationKernels
import AblationMicrowave
import AblationPreset
import AblationSimulation
import Foundation

/// The surrogate's zones for one device: a single antenna in homogeneous background tissue (no
/// targets, no vessels), simulated by ablsim itself at a small lattice of powers and durations, each
/// reduced to an axisymmetric radius profile r(z) and cached on disk.
///
/// The cache key hashes everything the zone depends on that ablsim can see: its version, the
/// device's fingerprint and the complete resolved preset of the library run (tissue, blood,
/// damage model, grid, power, duration, and for an RF electrode every applicator key: electrode,
/// diameter, active length, coolant, cluster spacing, tines, control mode and ramp, update
/// interval, return path). The fingerprint makes a recalibration invalidate the cache even
/// without a version bump: for an antenna the device profile's parameters and samples of its
/// axial heating pattern; for an RF electrode the generator's control constants, the drying law
/// and the electrode as rasterised on the library's grid (RadiofrequencyModelFingerprint).
public struct ZoneLibrary: Sendable {
    public struct Entry: Sendable {
        public var powerW: Double
        public var durationS: Double
        public var profile: ZoneProfile
        public var fromCache: Bool
        public var cacheKey: String
        public var simulationSeconds: Double
    }

    public var template: PlanningSpec.Template
    public var entries: [Entry]
    public var spacingMM: Double

    /// Bumped whenever the extraction below changes meaning.
    static let formatVersion = 1
    /// The library run's antenna: tip at z = -20 mm, needle along +z.
    static let tipMM: SIMD3<Double> = [0, 0, -20]

    /// Evenly spaced values over a range (`count` >= 1; a degenerate range gives one value).
    public static func lattice(_ r: ClosedRange<Double>, count: Int) -> [Double] {
        guard count > 1, r.upperBound > r.lowerBound else { return [r.lowerBound] }
        return (0..<count).map { r.lowerBound + (r.upperBound - r.lowerBound) * Double($0) / Double(count - 1) }
    }

    /// `cacheDirectory`: nil disables the cache.
    public static func build(template: PlanningSpec.Template, tissueFrom preset: Preset, spacingMM: Double,
                             powers: Int, durations: Int, cacheDirectory: URL?, threads: Int,
                             log: (String) -> Void, observer: ((Simulation.Progress) -> Bool)? = nil) throws -> ZoneLibrary {
        var entries: [Entry] = []
        for power in lattice(template.powerW, count: powers) {
            for duration in lattice(template.durationS, count: durations) {
                entries.append(try entry(template: template, preset: preset, spacingMM: spacingMM, powerW: power,
                                         durationS: duration, cacheDirectory: cacheDirectory, threads: threads, log: log,
                                         observer: observer))
            }
        }
        return ZoneLibrary(template: template, entries: entries, spacingMM: spacingMM)
    }

    static func libraryPreset(template: PlanningSpec.Template, preset: Preset, spacingMM: Double, powerW: Double,
                              durationS: Double, sizeMM: SIMD3<Double>) throws(PresetError) -> Preset {
        let applicator = template.device.applicatorJSON(tipMM: tipMM, entryMM: tipMM + [0, 0, 80], powerW: powerW,
                                                        durationS: durationS, startS: 0)
        // Only the background tissue matters (the library has no regions); keeping the other
        // materials out lets presets with different vessels share one cache.
        let full = preset.resolvedJSON()
        let background = full["materials"]?[preset.background].map { JSONValue.object([(preset.background, $0)]) } ?? .object([])
        let document = full
            .setting("materials", background)
            .setting("name", "zone-library")
            .setting("description", "")
            .setting("grid", ["center_mm": [0, 0, 0], "size_mm": vectorJSON(sizeMM), "spacing_mm": .number(spacingMM)])
            .setting("regions", .array([]))
            .setting("applicators", .array([applicator]))
            .setting("time", ["cooldown_s": 0, "damage_interval_s": .number(preset.time.damageIntervalS)])
            .setting("output", ["formats": .array([])])
            .setting("seed", 0)
            .setting("planning", nil)
            .setting("reference_zone", nil)
        return try Preset.decode(document)
    }

    /// The library box: 80 x 80 x 100 mm, larger for a tine array that would reach its edge (its
    /// tines must stay a voxel inside the pad); a zone reaching the edge enlarges it further.
    static func initialSizeMM(_ template: PlanningSpec.Template) -> SIMD3<Double> {
        guard case let .radiofrequency(_, spec) = template.device, case let .multiTine(m) = spec.electrode else { return [80, 80, 100] }
        // Star tines end half an array diameter beyond the tip, which sits 20 mm below the centre.
        let lateral = max(80, m.deployedDiameterMM + 30)
        return [lateral, lateral, max(100, 2 * (-tipMM.z + m.deployedDiameterMM / 2) + 30)]
    }

    /// The zone's cache file name: a hash of the library run's resolved preset (tissue, blood,
    /// damage, grid, the applicator with every key, power and time), the device's fingerprint and
    /// the versions.
    static func cacheKey(_ template: PlanningSpec.Template, library: Preset) -> String {
        let text = "ablsim zone library v\(formatVersion)|\(AblsimVersion.string)|\(fingerprint(template, library: library))|"
            + JSONWriter.compact(library.resolvedJSON(), sortedKeys: true)
        return SHA256.hex(Array(text.utf8))
    }

    /// `library`: the library run's preset (its RF electrode is fingerprinted as rasterised on its grid).
    static func fingerprint(_ template: PlanningSpec.Template, library: Preset) -> String {
        guard case let .microwave(frequency, device) = template.device else {
            guard case let .radiofrequency(rf)? = library.applicators.first else { return "no electrode" }
            return RadiofrequencyModelFingerprint.text(rf, grid: library.makeGrid())
        }
        guard let profile = try? DeviceProfile.profile(MicrowaveDevice(rawValue: device)!, frequencyMHz: frequency) else {
            return "unknown device"
        }
        var samples: [String] = []
        for p in [30.0, 60.0, 100.0, 150.0] {
            for z in stride(from: -20.0, through: 40.0, by: 5.0) {
                samples.append(String(format: "%.9g", profile.axialProfile(zMM: z, forwardPowerW: p)))
            }
        }
        return String(reflecting: profile) + "|" + samples.joined(separator: ",")
    }

    static func entry(template: PlanningSpec.Template, preset: Preset, spacingMM: Double, powerW: Double, durationS: Double,
                      cacheDirectory: URL?, threads: Int, log: (String) -> Void,
                      observer: ((Simulation.Progress) -> Bool)? = nil) throws -> Entry {
        var size = initialSizeMM(template)
        let first = try libraryPreset(template: template, preset: preset, spacingMM: spacingMM, powerW: powerW,
                                      durationS: durationS, sizeMM: size)
        let key = cacheKey(template, library: first)
        let file = cacheDirectory?.appendingPathComponent("zone-\(key).json")
        if let file, let data = FileManager.default.contents(atPath: file.path), let profile = decodeCached(data) {
            return Entry(powerW: powerW, durationS: durationS, profile: profile, fromCache: true, cacheKey: key, simulationSeconds: 0)
        }
        log(String(format: "zone library: simulating %@ at %.4g W for %.4g s (%.3g mm voxels)",
                   template.device.label, powerW, durationS, spacingMM))
        let clock = ContinuousClock()
        let started = clock.now
        var preset = first
        var profile: ZoneProfile
        while true {
            let scene = try Scene(preset: preset)
            let simulation = Simulation(preset: preset, scene: scene, threads: threads)
            simulation.observer = observer
            let result = try simulation.run()
            let necrosis = result.necrosis()
            // A zone that reaches the grid's edge is cut off: simulate again in a larger box.
            if touchesEdge(necrosis, grid: scene.grid), size.x < 300 {
                size *= 1.5
                preset = try libraryPreset(template: template, preset: preset, spacingMM: spacingMM, powerW: powerW,
                                           durationS: durationS, sizeMM: size)
                continue
            }
            profile = extractProfile(field: ElectrodeFill.fill(result.zoneField(), grid: scene.grid, metal: scene.electrodeVoxels),
                                     grid: scene.grid)
            break
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if let file {
            let members: [(String, JSONValue)] = [("ablsim_version", .string(AblsimVersion.string)), ("key", .string(key))]
                + template.device.summaryMembers + [
                    ("power_w", .number(powerW)), ("duration_s", .number(durationS)), ("spacing_mm", .number(spacingMM)),
                    ("z0_mm", .number(profile.z0MM)), ("dz_mm", .number(profile.dzMM)),
                    ("radii_mm", .array(profile.radiiMM.map { .number($0) })),
                ]
            let record = JSONValue.object(members)
            // The cache is an optimisation: failing to write it only costs time next run.
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(JSONWriter.string(record).utf8).write(to: file, options: .atomic)
        }
        return Entry(powerW: powerW, durationS: durationS, profile: profile, fromCache: false, cacheKey: key, simulationSeconds: seconds)
    }

    static func decodeCached(_ data: Data) -> ZoneProfile? {
        guard let doc = try? JSONParser.parse(Array(data)),
              case let .number(z0)? = doc["z0_mm"], case let .number(dz)? = doc["dz_mm"], dz > 0,
              case let .array(items)? = doc["radii_mm"], items.count >= 2 else { return nil }
        var radii: [Double] = []
        for item in items {
            guard case let .number(r) = item, r >= 0 else { return nil }
            radii.append(r)
        }
        return ZoneProfile(z0MM: z0, dzMM: dz, radiiMM: radii)
    }

    static func touchesEdge(_ mask: [UInt8], grid g: Grid3D) -> Bool {
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx where mask[g.linearIndex(i, j, k)] != 0 {
            if i == 0 || j == 0 || k == 0 || i == g.nx - 1 || j == g.ny - 1 || k == g.nz - 1 { return true }
        } } }
        return false
    }

    /// r(z): along rays perpendicular to the needle (8 azimuths, averaged), the first place where the
    /// continuous zone field (ln Omega / threshold, trilinearly interpolated) drops below zero; so
    /// the profile resolves the surface between voxel centres.
    static func extractProfile(field: [Float], grid g: Grid3D) -> ZoneProfile {
        let h = g.spacingMM
        let dz = h / 2
        let zLow = g.originMM.z - tipMM.z, zHigh = g.originMM.z + Double(g.nz - 1) * h - tipMM.z
        let maxRadius = min(g.originMM.x.magnitude, g.originMM.y.magnitude) - h
        let count = Int(((zHigh - zLow) / dz).rounded(.down)) + 1
        var radii = [Double](repeating: 0, count: count)
        let azimuths = 8
        let step = h / 4
        for n in 0..<count {
            let z = zLow + Double(n) * dz
            var sum = 0.0
            for a in 0..<azimuths {
                let angle = 2 * Double.pi * Double(a) / Double(azimuths)
                let dir = SIMD3<Double>(cos(angle), sin(angle), 0)
                var previous = g.trilinear(field, at: tipMM + [0, 0, z])
                guard previous >= 0 else { continue }
                var rho = step, radius = maxRadius
                while rho <= maxRadius {
                    let value = g.trilinear(field, at: tipMM + [0, 0, z] + dir * rho)
                    if value < 0 {
                        radius = rho - step * value / (value - previous)
                        break
                    }
                    previous = value
                    rho += step
                }
                sum += radius
            }
            radii[n] = sum / Double(azimuths)
        }
        return ZoneProfile(z0MM: zLow, dzMM: dz, radiiMM: radii)
    }
}
