import AblationGrid
import AblationJSON
import AblationKernels
import AblationMicrowave
import AblationTissue
import Foundation

extension Preset {
    /// Reads and validates a preset file, or the bundled preset of that name when no such file
    /// exists (a file always wins, so a user's own `heat-source-sphere` is never shadowed).
    /// Missing file: exit 66; unreadable: 74; bad JSON or values: 65 with the JSON path.
    public static func load(contentsOf path: String, overrides: [String] = [],
                            applicators requirement: ApplicatorRequirement = .required) throws(PresetError) -> (Preset, JSONValue, [UInt8]) {
        guard FileManager.default.fileExists(atPath: path) else {
            if let json = BundledPresets.named(path) {
                return try parse(bytes: Array(json.utf8), source: "bundled preset \(path)", overrides: overrides, applicators: requirement)
            }
            throw PresetError(.missingInput, path: "", "preset file \(path) does not exist, and no bundled preset has that name (see `ablsim presets`)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PresetError(.io, path: "", "cannot read preset file \(path)")
        }
        return try parse(bytes: Array(data), source: path, overrides: overrides,
                         baseDirectory: (path as NSString).deletingLastPathComponent, applicators: requirement)
    }

    /// `baseDirectory`: where relative label-map paths resolve (the preset file's folder; the
    /// working directory for bundled presets).
    public static func parse(bytes: [UInt8], source: String, overrides: [String] = [],
                             baseDirectory: String? = nil,
                             applicators requirement: ApplicatorRequirement = .required) throws(PresetError) -> (Preset, JSONValue, [UInt8]) {
        guard bytes.count <= 16 << 20 else {
            throw PresetError(path: "", "\(source) is \(bytes.count) bytes; a preset is expected to be under 16 MiB")
        }
        var document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw PresetError(path: "", "\(source) is not valid JSON: \(error)")
        }
        for assignment in overrides { document = try PresetOverride.apply(assignment, to: document) }
        return (try decode(document, baseDirectory: baseDirectory, applicators: requirement), document, bytes)
    }

    public static func decode(_ document: JSONValue, baseDirectory: String? = nil,
                              applicators requirement: ApplicatorRequirement = .required) throws(PresetError) -> Preset {
        var r = try JSONObjectReader(document, path: "")
        let version = try r.integer("ablsim", NumberCheck(accepts: { $0 == 1 }, expectation: "1 (the preset format version)"))
        _ = version
        let name = try r.string("name", default: "ablsim-run")
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), !name.hasPrefix(".") else {
            throw PresetError(path: "name", "got \"\(name)\"; expected 1-200 characters without '/' and not starting with '.' (it names the output folder)")
        }
        let description = try r.string("description", default: "")

        guard var g = try r.object("grid") else { throw r.missing("grid", expected: "an object {center_mm, size_mm, spacing_mm} or {fit, spacing_mm}") }
        var grid: GridSpec
        let spacing = try g.number("spacing_mm", .range(0.05, 20, unit: "mm"))
        if var f = try g.object("fit") {
            for key in ["center_mm", "size_mm"] where g.keys.contains(key) {
                throw PresetError(path: g.child(key), "cannot be given with grid.fit, which places the grid on the image; remove \"\(key)\" or \"fit\"")
            }
            let (fit, placed) = try GridFit.decode(&f, spacingMM: spacing, baseDirectory: baseDirectory)
            grid = placed
            grid.fit = fit
            if grid.sizeMM.max() > 2000 {
                throw PresetError(path: g.child("fit"), "the fitted grid would span \(JSONWriter.format(grid.sizeMM.max())) mm; expected at most 2000 mm (choose fewer labels or less padding_mm)")
            }
        } else {
            grid = GridSpec(centerMM: try g.vector3("center_mm", default: [0, 0, 0]),
                            sizeMM: try g.vector3("size_mm", .positiveAtMost(2000, unit: "mm")),
                            spacingMM: spacing)
        }
        try g.finish()
        for axis in 0..<3 where grid.sizeMM[axis] < grid.spacingMM {
            throw PresetError(path: "grid.size_mm.\(axis)", "got \(JSONWriter.format(grid.sizeMM[axis])) mm; expected at least one voxel (spacing_mm = \(JSONWriter.format(grid.spacingMM)))")
        }

        var boundary = BoundarySpec(kind: .dirichlet, temperatureC: 37)
        if var b = try r.object("boundary") {
            let kind = try b.string("type", default: "dirichlet", oneOf: ["dirichlet", "adiabatic"])
            boundary.kind = BoundarySpec.Kind(rawValue: kind)!
            boundary.temperatureC = try b.number("temperature_c", default: 37, .range(-50, 200, unit: "°C"))
            try b.finish()
        }
        let initial = try r.number("initial_temperature_c", default: 37, .range(-50, 200, unit: "°C"))

        var materials = Material.builtIn
        var materialOrder: [String] = []
        if var m = try r.object("materials") {
            for key in m.keys {
                guard let value = m.value(key) else { continue }
                let path = m.child(key)
                guard !key.isEmpty, key.count <= 64 else { throw PresetError(path: path, "material names must have 1-64 characters") }
                materials[key] = try decodeMaterial(value, path: path, base: materials[key])
                materialOrder.append(key)
            }
        }
        let background = try r.string("background", default: "liver")
        guard materials[background] != nil else {
            throw PresetError(path: "background", unknownMaterial(background, materials))
        }

        var blood = ArterialBlood()
        if var b = try r.object("blood") {
            blood.temperatureC = try b.number("temperature_c", default: 37, .range(20, 45, unit: "°C"))
            blood.densityKgM3 = try b.number("density_kg_m3", default: blood.densityKgM3, .range(500, 2000, unit: "kg/m3"))
            blood.specificHeatJKgK = try b.number("specific_heat_j_kgk", default: blood.specificHeatJKgK, .range(500, 10000, unit: "J/kg/K"))
            try b.finish()
        }

        var regions: [Region] = []
        for (n, item) in (try r.array("regions", required: false) ?? []).enumerated() {
            var q = try JSONObjectReader(item, path: "regions.\(n)")
            let material = try q.string("material")
            guard materials[material] != nil else { throw PresetError(path: q.child("material"), unknownMaterial(material, materials)) }
            guard let shapeValue = q.value("shape") else { throw q.missing("shape", expected: "a shape object") }
            var region = Region(name: try q.string("name", default: "region \(n)"), material: material,
                                shape: try ShapeSpec.decode(shapeValue, path: q.child("shape"), baseDirectory: baseDirectory),
                                target: try q.bool("target", default: false), vessel: try q.bool("vessel", default: false))
            region.flow = try VesselFlowSpec.decode(&q, vessel: region.vessel, shape: region.shape)
            try q.finish()
            regions.append(region)
        }

        var applicators: [Applicator] = []
        let listed = try r.array("applicators", required: false)
        for (n, item) in (listed ?? []).enumerated() {
            applicators.append(try decodeApplicator(item, path: "applicators.\(n)", baseDirectory: baseDirectory))
        }
        if applicators.isEmpty && requirement == .required {
            throw ApplicatorRequirement.missing(listed == nil ? "is missing" : "is empty", hasPlanning: document["planning"] != nil)
        }

        var time = TimeSpec(cooldownS: 0, dtS: nil, damageIntervalS: 1.0)
        if var t = try r.object("time") {
            time.cooldownS = try t.number("cooldown_s", default: 0, .range(0, 86_400, unit: "s"))
            time.dtS = try t.optionalNumber("dt_s", .positiveAtMost(60, unit: "s"))
            time.damageIntervalS = try t.number("damage_interval_s", default: 1.0, .positiveAtMost(10, unit: "s"))
            try t.finish()
        }

        var damage = DamageSpec(model: .arrhenius, threshold: 1)
        if var d = try r.object("damage") {
            let model = try d.string("model", default: "arrhenius", oneOf: DamageSpec.Model.allCases.map(\.rawValue))
            damage.model = DamageSpec.Model(rawValue: model)!
            let fallback: Double = switch damage.model { case .arrhenius: 1; case .cem43: 240; case .isotherm: 60 }
            damage.threshold = try d.number("threshold", default: fallback, .positive)
            let baseline = try d.string("baseline", default: "none", oneOf: DamageSpec.Baseline.allCases.map(\.rawValue))
            damage.baseline = DamageSpec.Baseline(rawValue: baseline)!
            if damage.model == .isotherm && damage.baseline != .none {
                throw PresetError(path: "damage.baseline", "isotherm damage is the peak temperature, which does not accumulate: expected \"none\" (or no key) with model isotherm, got \"\(baseline)\"")
            }
            try d.finish()
        }

        let margin = try r.number("margin_mm", default: 5, .range(0, 50, unit: "mm"))
        let allFormats = ["nifti", "vti", "stl", "png", "csv"]
        var formats = allFormats
        if var o = try r.object("output") {
            if let list = try o.array("formats", required: false) {
                formats = []
                for (n, item) in list.enumerated() {
                    let f = try JSONObjectReader.string(item, path: "output.formats.\(n)", oneOf: allFormats)
                    if !formats.contains(f) { formats.append(f) }
                }
            }
            try o.finish()
        }
        let seed = try r.integer("seed", default: 0, .range(0, 9_007_199_254_740_991))
        // `planning` belongs to `ablsim plan` (not in this version); a run carries it through unread.
        var planning: JSONValue? = nil
        if let value = r.value("planning") {
            guard case .object = value else { throw PresetError(path: "planning", "got \(value.kindDescription); expected an object") }
            planning = value
        }
        var referenceZone: LabelMapShape? = nil
        if var z = try r.object("reference_zone") {
            let (file, label, segment) = try ShapeSpec.labelMapKeys(&z)
            referenceZone = try LabelMapShape.load(path: file, label: label, segment: segment, defaultLabel: 1,
                                                   baseDirectory: baseDirectory, jsonPath: "reference_zone")
        }
        try r.finish()

        let preset = Preset(name: name, description: description, grid: grid, boundary: boundary,
                            initialTemperatureC: initial, background: background, materials: materials,
                            materialOrder: materialOrder, blood: blood, regions: regions, applicators: applicators,
                            time: time, damage: damage, marginMM: margin, outputFormats: formats, seed: UInt64(seed),
                            planning: planning, referenceZone: referenceZone)
        try MemoryBudget.check(preset)
        try preset.checkGeometry()
        return preset
    }

    static func unknownMaterial(_ name: String, _ materials: [String: Material]) -> String {
        let names = materials.keys.sorted()
        var message = "unknown material \"\(name)\"; expected one of " + names.map { "\"\($0)\"" }.joined(separator: ", ") + " or a name defined under materials"
        if let hint = suggestion(for: name, among: names) { message += " (did you mean \"\(hint)\"?)" }
        return message
    }

    static func decodeMaterial(_ value: JSONValue, path: String, base: Material?) throws(PresetError) -> Material {
        var r = try JSONObjectReader(value, path: path)
        let b = base ?? .liver
        var m = b
        m.densityKgM3 = try r.number("density_kg_m3", default: b.densityKgM3, .range(100, 5000, unit: "kg/m3"))
        m.specificHeatJKgK = try r.number("specific_heat_j_kgk", default: b.specificHeatJKgK, .range(100, 10000, unit: "J/kg/K"))
        m.conductivityWMK = try r.number("conductivity_w_mk", default: b.conductivityWMK, .range(0.01, 500, unit: "W/m/K"))
        m.perfusionPerS = try r.number("perfusion_per_s", default: b.perfusionPerS, .range(0, 1, unit: "1/s"))
        m.metabolicHeatWM3 = try r.number("metabolic_heat_w_m3", default: b.metabolicHeatWM3, .range(-1e6, 1e7, unit: "W/m3"))
        m.electricalConductivitySM = try r.number("electrical_conductivity_s_m", default: b.electricalConductivitySM, .range(1e-6, 1e3, unit: "S/m"))
        m.waterContent = try r.number("water_content", default: b.waterContent, .range(0, 1))
        if var a = try r.object("arrhenius") {
            m.arrheniusFrequencyFactorPerS = try a.number("frequency_factor_per_s", default: b.arrheniusFrequencyFactorPerS, .range(1, 1e300, unit: "1/s"))
            m.arrheniusActivationEnergyJMol = try a.number("activation_energy_j_mol", default: b.arrheniusActivationEnergyJMol, .range(1e3, 1e7, unit: "J/mol"))
            try a.finish()
        }
        m.linear = try r.bool("linear", default: b.linear)
        m.conductivityPerC = try r.number("conductivity_per_c", default: b.conductivityPerC, .range(0, 0.01, unit: "1/°C"))
        // The desiccated value follows an overridden 37 °C conductivity unless the base material had its own.
        let followsK = b.desiccatedConductivityWMK == b.conductivityWMK
        m.desiccatedConductivityWMK = try r.number("desiccated_conductivity_w_mk",
                                                   default: followsK ? m.conductivityWMK : b.desiccatedConductivityWMK,
                                                   .range(0.01, 500, unit: "W/m/K"))
        // Likewise the desiccated heat capacity keeps its ratio to an overridden wet one.
        let scale = b.volumetricHeatCapacity > 0 ? m.volumetricHeatCapacity / b.volumetricHeatCapacity : 1
        m.desiccatedHeatCapacityJM3K = try r.number("desiccated_heat_capacity_j_m3k",
                                                    default: b.desiccatedHeatCapacityJM3K * scale,
                                                    .range(1e4, 1e8, unit: "J/m3/K"))
        m.heatCapacityPerC = try r.number("heat_capacity_per_c", default: b.heatCapacityPerC, .range(-0.005, 0.01, unit: "1/°C"))
        // At least 1: stasis before necrosis would need damage rows the sample does not report.
        m.perfusionStasisDose = try r.number("perfusion_stasis_dose", default: b.perfusionStasisDose, .range(1, 1e6))
        try r.finish()
        return m
    }

    /// A multi-tine array's staged deployment: steps of growing diameter ending at the array's.
    static func decodeDeployment(_ r: inout JSONObjectReader, deployedDiameterMM deployed: Double, trocarDiameterMM trocar: Double,
                                 default fallback: [RadiofrequencySpec.MultiTineSpec.DeploymentStep]) throws(PresetError)
        -> [RadiofrequencySpec.MultiTineSpec.DeploymentStep] {
        guard let items = try r.array("deployment", required: false) else { return fallback }
        guard items.count <= 8 else {
            throw PresetError(path: r.child("deployment"), "has \(items.count) steps; expected at most 8 {deployed_diameter_mm, hold_s} steps")
        }
        var steps: [RadiofrequencySpec.MultiTineSpec.DeploymentStep] = []
        for (n, item) in items.enumerated() {
            var p = try JSONObjectReader(item, path: "\(r.child("deployment")).\(n)")
            let d = try p.number("deployed_diameter_mm", .range(2, 70, unit: "mm"))
            let hold = try p.number("hold_s", .positiveAtMost(3600, unit: "s"))
            try p.finish()
            if d <= trocar {
                throw PresetError(path: p.child("deployed_diameter_mm"), "got \(JSONWriter.format(d)) mm; expected more than the trocar's diameter_mm (\(JSONWriter.format(trocar)) mm), or no tine is out")
            }
            if let last = steps.last, d <= last.deployedDiameterMM {
                throw PresetError(path: p.child("deployed_diameter_mm"), "got \(JSONWriter.format(d)) mm after \(JSONWriter.format(last.deployedDiameterMM)) mm; expected each step to deploy the tines further")
            }
            steps.append(.init(deployedDiameterMM: d, holdS: hold))
        }
        if let last = steps.last, last.deployedDiameterMM != deployed {
            throw PresetError(path: "\(r.child("deployment")).\(steps.count - 1).deployed_diameter_mm", "got \(JSONWriter.format(last.deployedDiameterMM)) mm; expected the last step to deploy the whole array (deployed_diameter_mm, \(JSONWriter.format(deployed)) mm)")
        }
        return steps
    }

    static func decodeSchedule(_ r: inout JSONObjectReader) throws(PresetError) -> [PowerPhase] {
        guard let items = try r.array("schedule", required: true), !items.isEmpty else {
            throw PresetError(path: r.child("schedule"), "is empty; expected at least one {duration_s, power_w} phase")
        }
        var phases: [PowerPhase] = []
        for (n, item) in items.enumerated() {
            var p = try JSONObjectReader(item, path: "\(r.child("schedule")).\(n)")
            phases.append(PowerPhase(durationS: try p.number("duration_s", .positiveAtMost(86_400, unit: "s")),
                                     powerW: try p.number("power_w", .range(0, 10_000, unit: "W"))))
            try p.finish()
        }
        return phases
    }

    public static func decodeApplicator(_ value: JSONValue, path: String, baseDirectory: String?) throws(PresetError) -> Applicator {
        var r = try JSONObjectReader(value, path: path)
        let type = try r.string("type", oneOf: ["heat_source", "mwa", "rfa"])
        switch type {
        case "heat_source":
            guard let shape = r.value("shape") else { throw r.missing("shape", expected: "a shape object") }
            let spec = try ShapeSpec.decode(shape, path: r.child("shape"), baseDirectory: baseDirectory)
            let schedule = try decodeSchedule(&r)
            try r.finish()
            return .heatSource(shape: spec, schedule: schedule)
        case "mwa":
            let frequency = try r.integer("frequency_mhz", NumberCheck(accepts: { $0 == 915 || $0 == 2450 }, expectation: "915 or 2450 (MHz)"))
            let device = try r.string("device", default: "generic", oneOf: MicrowaveDevice.allCases.map(\.rawValue))
            do {
                _ = try DeviceProfile.profile(MicrowaveDevice(rawValue: device)!, frequencyMHz: frequency)
            } catch {
                let supported = DeviceProfile.supportedFrequencies(MicrowaveDevice(rawValue: device)!).map(String.init).joined(separator: " or ")
                throw PresetError(path: r.child("frequency_mhz"), "device \"\(device)\" runs at \(supported) MHz, not \(frequency)")
            }
            let tip = try r.vector3("tip_mm"), entry = try r.vector3("entry_mm")
            guard ((entry - tip) * (entry - tip)).sum() >= 1 else {
                throw PresetError(path: r.child("entry_mm"), "is within 1 mm of tip_mm; expected an insertion point that gives the needle a direction")
            }
            let schedule = try decodeSchedule(&r)
            let interval = try r.number("update_interval_s", default: 10, .positiveAtMost(600, unit: "s"))
            try r.finish()
            return .microwave(MicrowaveSpec(frequencyMHz: frequency, device: device, tipMM: tip, entryMM: entry,
                                            schedule: schedule, updateIntervalS: interval))
        default:
            return .radiofrequency(try decodeRadiofrequency(&r))
        }
    }

    /// Keys that belong to some electrode kinds only; any of them on another kind is refused.
    static let electrodeOnlyKeys: [(key: String, electrodes: [String])] = [
        ("active_length_mm", ["cooled_tip", "cluster"]), ("coolant_temperature_c", ["cooled_tip", "cluster"]),
        ("pump_off_s", ["cooled_tip", "cluster"]), ("track_ablation", ["cooled_tip", "cluster"]),
        ("spacing_mm", ["cluster"]),
        ("tines", ["multi_tine"]), ("deployed_diameter_mm", ["multi_tine"]), ("tine_diameter_mm", ["multi_tine"]),
        ("tine_shape", ["multi_tine"]), ("deployment", ["multi_tine"]),
    ]

    static func decodeRadiofrequency(_ r: inout JSONObjectReader) throws(PresetError) -> RadiofrequencySpec {
        let device = try r.string("device", default: "generic", oneOf: RadiofrequencyDevice.allCases.map(\.rawValue))
        let profile = RadiofrequencyDevice(rawValue: device)!.profile
        let electrodeName = try r.string("electrode", default: profile?.electrodes.first ?? "cooled_tip",
                                         oneOf: ["cooled_tip", "multi_tine", "cluster"])
        if let profile, !profile.electrodes.contains(electrodeName) {
            throw PresetError(path: r.child("electrode"), "device \"\(device)\" (\(profile.name)) has no \"\(electrodeName)\" electrode; expected " + profile.electrodes.map { "\"\($0)\"" }.joined(separator: " or "))
        }
        for (key, electrodes) in electrodeOnlyKeys where !electrodes.contains(electrodeName) && r.value(key) != nil {
            let kinds = electrodes.map { "\"\($0)\"" }.joined(separator: " and ")
            throw PresetError(path: r.child(key), "applies to \(kinds) electrodes only; this electrode is \"\(electrodeName)\"")
        }
        /// A value a named device fixes: the device's, or refused when the preset asks for another.
        func fixed(_ key: String, _ value: Double, _ allowed: [Double], unit: String) throws(PresetError) -> Double {
            guard let profile else { return value }
            guard allowed.contains(value) else {
                let list = allowed.map { JSONWriter.format($0) }.joined(separator: ", ")
                throw PresetError(path: r.child(key), "got \(JSONWriter.format(value))\(unit.isEmpty ? "" : " " + unit); device \"\(device)\" (\(profile.name)) has \(allowed.count == 1 ? "" : "one of ")\(list)\(unit.isEmpty ? "" : " " + unit)")
            }
            return value
        }
        let diameterRange = NumberCheck.range(0.3, 5, unit: "mm")
        let diameter = try fixed("diameter_mm", try r.number("diameter_mm", default: profile?.diameterMM ?? 1.5, diameterRange),
                                 profile.map { [$0.diameterMM] } ?? [], unit: "mm")
        var active = 0.0, coolant = 15.0, pumpOff = 0.0
        let electrode: RadiofrequencySpec.Electrode
        if electrodeName == "multi_tine" {
            let tines = try fixed("tines", Double(try r.integer("tines", default: profile?.tines ?? 10, .range(4, 16))),
                                  profile.map { [Double($0.tines)] } ?? [], unit: "")
            guard r.value("deployed_diameter_mm") != nil else {
                let sizes = profile.map { ": " + $0.arrayDiametersMM.map { JSONWriter.format($0) }.joined(separator: ", ") + " mm for \($0.name)" } ?? ", from 15 to 70 mm"
                throw r.missing("deployed_diameter_mm", expected: "the diameter of the deployed tine array\(sizes)")
            }
            let deployed = try fixed("deployed_diameter_mm", try r.number("deployed_diameter_mm", .range(15, 70, unit: "mm")),
                                     profile?.arrayDiametersMM ?? [], unit: "mm")
            let tineDiameter = try fixed("tine_diameter_mm", try r.number("tine_diameter_mm", default: profile?.tineDiameterMM ?? 0.4, .range(0.1, 1.5, unit: "mm")),
                                         profile.map { [$0.tineDiameterMM] } ?? [], unit: "mm")
            let shape = try r.string("tine_shape", default: profile?.tineShape.rawValue ?? "umbrella", oneOf: RadiofrequencySpec.MultiTineSpec.Shape.allCases.map(\.rawValue))
            if let profile, shape != profile.tineShape.rawValue {
                throw PresetError(path: r.child("tine_shape"), "got \"\(shape)\"; device \"\(device)\" (\(profile.name)) has \"\(profile.tineShape.rawValue)\" tines")
            }
            let deployment = try decodeDeployment(&r, deployedDiameterMM: deployed, trocarDiameterMM: diameter,
                                                  default: profile?.deploymentsByDiameterMM[deployed] ?? [])
            electrode = .multiTine(.init(tines: Int(tines), deployedDiameterMM: deployed, tineDiameterMM: tineDiameter,
                                         shape: RadiofrequencySpec.MultiTineSpec.Shape(rawValue: shape)!, deployment: deployment))
        } else {
            let exposures = electrodeName == "cluster" ? profile?.clusterExposuresMM : profile?.singleExposuresMM
            active = try fixed("active_length_mm", try r.number("active_length_mm", default: exposures?.last ?? 30, .range(2, 60, unit: "mm")),
                               exposures ?? [], unit: "mm")
            coolant = try r.number("coolant_temperature_c", default: 15, .range(0, 37, unit: "°C"))
            pumpOff = try r.number("pump_off_s", default: Preset.RadiofrequencySpec.defaultPumpOffS, .range(0, 600, unit: "s"))
            if electrodeName == "cluster" {
                let spacing = try fixed("spacing_mm", try r.number("spacing_mm", default: profile?.clusterSpacingMM ?? 5, .range(2, 20, unit: "mm")),
                                        profile.map { [$0.clusterSpacingMM] } ?? [], unit: "mm")
                guard spacing > diameter else {
                    throw PresetError(path: r.child("spacing_mm"), "got \(JSONWriter.format(spacing)) mm; expected more than diameter_mm (\(JSONWriter.format(diameter)) mm), or the needles would touch")
                }
                electrode = .cluster(spacingMM: spacing)
            } else {
                electrode = .cooledTip
            }
        }
        let tip = try r.vector3("tip_mm"), entry = try r.vector3("entry_mm")
        let pathLength = ((entry - tip) * (entry - tip)).sum().squareRoot()
        if electrodeName == "multi_tine" {
            guard pathLength >= 1 else {
                throw PresetError(path: r.child("entry_mm"), "is within 1 mm of tip_mm; expected an insertion point that gives the needle a direction")
            }
        } else {
            guard pathLength >= active else {
                throw PresetError(path: r.child("entry_mm"), "is closer to tip_mm than active_length_mm (\(JSONWriter.format(active)) mm); expected the insertion path to contain the active tip")
            }
        }
        // A named device brings its generator's protocol; a preset may restate it or lower its power.
        let deviceControl: JSONValue? = profile.map { p in
            switch p.control {
            case .impedance: return ["mode": "impedance", "max_power_w": .number(p.defaultPowerW)]
            case let .leveenRamp(start):
                return ["mode": "impedance", "max_power_w": .number(p.defaultPowerW), "ramp": "leveen", "start_power_w": .number(start)]
            case let .temperature(target): return ["mode": "temperature", "target_c": .number(target), "max_power_w": .number(p.defaultPowerW)]
            }
        }
        let controlValue: JSONValue
        if let given = r.value("control") { controlValue = given }
        else if let deviceControl { controlValue = deviceControl }
        else { throw r.missing("control", expected: "{\"mode\": \"constant_power\", \"power_w\": ...} or {\"mode\": \"impedance\", \"max_power_w\": ...}") }
        var c = try JSONObjectReader(controlValue, path: r.child("control"))
        let mode = try c.string("mode", oneOf: ["constant_power", "impedance", "temperature"])
        if let profile, mode != profile.control.mode {
            throw PresetError(path: c.child("mode"), "got \"\(mode)\"; device \"\(device)\" (\(profile.name)) has a generator under \"\(profile.control.mode)\" control; leave \"control\" out for the device's protocol")
        }
        let maxPowerCheck = NumberCheck.positiveAtMost(profile?.generatorMaxPowerW ?? 400, unit: profile.map { "W (the \($0.name) generator's rating)" } ?? "W")
        let control: RadiofrequencySpec.Control
        var rollOff = RadiofrequencySpec.defaultRollOffRiseOhm
        switch mode {
        case "constant_power": control = .constantPower(powerW: try c.number("power_w", .positiveAtMost(400, unit: "W")))
        case "impedance":
            let maxPower = try c.number("max_power_w", default: profile?.defaultPowerW, maxPowerCheck)
            let deviceRamp: String? = profile.map { if case .leveenRamp = $0.control { return "leveen" } else { return "generic" } }
            let ramp = try c.string("ramp", default: deviceRamp ?? "generic", oneOf: ["generic", "leveen"])
            if let profile, let deviceRamp, ramp != deviceRamp {
                throw PresetError(path: c.child("ramp"), "got \"\(ramp)\"; device \"\(device)\" (\(profile.name)) ramps its power as \"\(deviceRamp)\"")
            }
            rollOff = try fixed("control.roll_off_ohm", try c.number("roll_off_ohm", default: profile?.rollOffRiseOhm ?? RadiofrequencySpec.defaultRollOffRiseOhm, .range(1, 500, unit: "ohm")),
                                profile.map { [$0.rollOffRiseOhm] } ?? [], unit: "ohm")
            if ramp == "leveen" {
                var deviceStart: Double?
                if case let .leveenRamp(start)? = profile?.control { deviceStart = start }
                let start = try c.number("start_power_w", default: min(deviceStart ?? RadiofrequencySpec.defaultLeVeenStartPowerW, maxPower),
                                         .positiveAtMost(400, unit: "W"))
                guard start <= maxPower else {
                    throw PresetError(path: c.child("start_power_w"), "got \(JSONWriter.format(start)) W; expected at most max_power_w (\(JSONWriter.format(maxPower)) W)")
                }
                control = .impedance(maxPowerW: maxPower, ramp: .leveen(startPowerW: start))
            } else {
                guard c.value("start_power_w") == nil else {
                    throw PresetError(path: c.child("start_power_w"), "applies to \"ramp\": \"leveen\" only; this ramp is \"\(ramp)\"")
                }
                control = .impedance(maxPowerW: maxPower, ramp: .generic)
            }
        default:
            guard electrodeName == "multi_tine" else {
                throw PresetError(path: c.child("mode"), "\"temperature\" control needs thermocouples in the tissue, and a \(electrodeName) electrode is held at its coolant temperature; expected \"constant_power\" or \"impedance\" (temperature control works with \"multi_tine\" electrodes)")
            }
            var deviceTarget: Double?
            if case let .temperature(target)? = profile?.control { deviceTarget = target }
            control = .temperature(targetC: try c.number("target_c", default: deviceTarget, .range(40, 120, unit: "°C")),
                                   maxPowerW: try c.number("max_power_w", default: profile?.defaultPowerW, maxPowerCheck))
        }
        let maxVoltage = try c.optionalNumber("max_voltage_v", .range(10, 1000, unit: "V rms"))
        let maxCurrent = try c.optionalNumber("max_current_a", .range(0.05, 10, unit: "A rms"))
        try c.finish()
        let duration = try r.number("duration_s", default: profile?.defaultDurationS, .positiveAtMost(7200, unit: "s"))
        let interval = try r.number("update_interval_s", default: RadiofrequencySpec.defaultUpdateIntervalS, .positiveAtMost(60, unit: "s"))
        let returnPath = try r.number("return_path_ohm", default: 0, .range(0, 500, unit: "ohm"))
        var track: RadiofrequencySpec.TrackAblationSpec?
        if var t = try r.object("track_ablation") {
            guard t.value("length_mm") != nil else {
                throw t.missing("length_mm", expected: "how far the needle is pulled back with its tip hot, from 1 to 100 mm")
            }
            let length = try t.number("length_mm", .range(1, 100, unit: "mm"))
            guard length <= pathLength - active else {
                let most = RadiofrequencySpec.TrackAblationSpec.maximumLengthMM(pathLengthMM: pathLength, activeLengthMM: active)
                throw PresetError(path: t.child("length_mm"), "got \(JSONWriter.format(length)) mm; expected at most \(JSONWriter.format(most)) mm, the path from the bare tip's end to entry_mm")
            }
            track = .init(lengthMM: length,
                          speedMMS: try t.number("speed_mm_s", default: 1, .range(0.1, 10, unit: "mm/s")),
                          temperatureC: try t.number("temperature_c", default: 90, .range(50, 99, unit: "°C")))
            try t.finish()
        }
        try r.finish()
        let spec = RadiofrequencySpec(device: device, electrode: electrode, activeLengthMM: active,
                                      diameterMM: diameter, coolantTemperatureC: coolant, tipMM: tip,
                                      entryMM: entry, control: control, durationS: duration,
                                      updateIntervalS: interval, returnPathOhm: returnPath, pumpOffS: pumpOff,
                                      maxVoltageV: maxVoltage, maxCurrentA: maxCurrent, trackAblation: track,
                                      rollOffRiseOhm: rollOff)
        if case let .multiTine(m) = electrode {
            let array = MultiTineArray(tipMM: tip, entryMM: entry, trocarDiameterMM: diameter, spec: m)
            let closest = array.closestApproach()
            guard closest.distanceMM >= m.tineDiameterMM else {
                throw PresetError(path: r.child("tines"), String(format: "%d tines of %@ mm on a %@ mm trocar touch or cross: two centrelines come within %.3g mm at (%.1f, %.1f, %.1f) mm; expected fewer or thinner tines, or a wider trocar", m.tines, JSONWriter.format(m.tineDiameterMM), JSONWriter.format(diameter), closest.distanceMM, closest.atMM.x, closest.atMM.y, closest.atMM.z))
            }
        }
        return spec
    }

    /// Shapes must touch the grid; sources must lie inside it so that no power is lost.
    func checkGeometry() throws(PresetError) {
        let g = makeGrid()
        for (n, region) in regions.enumerated() where !intersects(region.shape, g) {
            throw PresetError(path: "regions.\(n).shape", "lies entirely outside the grid (\(bounds(g))); expected a shape that overlaps it")
        }
        for (n, region) in regions.enumerated() where region.target {
            try checkTargetInside(region, index: n, grid: g)
        }
        for (n, a) in applicators.enumerated() {
            if let needle = a.needle, !g.contains(needle.tipMM) {
                throw PresetError(path: "applicators.\(n).tip_mm", "lies outside the grid (\(bounds(g))); expected the needle tip inside it")
            }
            if case let .radiofrequency(rf) = a {
                let geometry = ElectrodeGeometry(rf)
                for rod in geometry.activeRods {
                    let margin = g.spacingMM + rod.radiusMM
                    if !(g.contains(rod.endMM) && all(pointwiseMin(rod.startMM, rod.endMM) - margin .> g.lowerCornerMM)
                         && all(pointwiseMax(rod.startMM, rod.endMM) + margin .< g.upperCornerMM)) {
                        let what = geometry.activeRods.count > 1 ? "the active tip of a cluster needle" : "the active tip"
                        throw PresetError(path: "applicators.\(n).tip_mm", "\(what) reaches the edge of the grid (\(bounds(g))); the outer boundary is the dispersive pad, so expected the active tip at least one voxel inside it")
                    }
                }
                if let array = geometry.tineArray {
                    let (lo, hi) = array.boundsMM
                    let margin = g.spacingMM + geometry.tineRadiusMM
                    if !(all(lo - margin .> g.lowerCornerMM) && all(hi + margin .< g.upperCornerMM)) {
                        func f(_ v: Double) -> String { String(format: "%.4g", v) }
                        throw PresetError(path: "applicators.\(n).deployed_diameter_mm", "the deployed tines span x \(f(lo.x))..\(f(hi.x)), y \(f(lo.y))..\(f(hi.y)), z \(f(lo.z))..\(f(hi.z)) mm and reach the edge of the grid (\(bounds(g))); the outer boundary is the dispersive pad, so expected every tine at least one voxel inside it")
                    }
                }
            }
            if case let .heatSource(shape, _) = a {
                let (lo, hi) = shape.makeShape().boundingBoxMM
                if !(g.contains(lo) && g.contains(hi)) {
                    throw PresetError(path: "applicators.\(n).shape", "extends outside the grid (\(bounds(g))); a heat source must lie inside it so that its full power is deposited")
                }
                let vox = VoxelizedShape(shape: shape.makeShape(), grid: g)
                if vox.voxelVolume <= 0 {
                    throw PresetError(path: "applicators.\(n).shape", "covers no voxel at spacing \(JSONWriter.format(grid.spacingMM)) mm; expected a larger shape or a finer grid")
                }
            }
        }
    }

    /// A target cut by the grid would be reported on its remaining part: covered, with a margin
    /// measured against a face that is not tissue. Its voxels and its margin shell must fit.
    func checkTargetInside(_ region: Region, index n: Int, grid g: Grid3D) throws(PresetError) {
        let (lo, hi) = region.shape.makeShape().boundingBoxMM
        let needLo = lo - marginMM, needHi = hi + marginMM
        // Rounding of the grid's own faces (centre +- n h / 2) must not refuse a shell that touches them.
        let slack = 1e-6 * max(1, g.spacingMM)
        let below = g.lowerCornerMM - needLo, above = needHi - g.upperCornerMM
        let beyond = max(below.max(), above.max())
        guard beyond > slack else { return }
        var faces: [String] = []
        for (c, axis) in ["x", "y", "z"].enumerated() {
            if below[c] > slack { faces.append(String(format: "%.1f mm below %@ = %.4g", below[c], axis, g.lowerCornerMM[c])) }
            if above[c] > slack { faces.append(String(format: "%.1f mm above %@ = %.4g", above[c], axis, g.upperCornerMM[c])) }
        }
        // The smallest box of whole voxels holding the old grid and the target with its margin.
        let unionLo = pointwiseMin(g.lowerCornerMM, needLo), unionHi = pointwiseMax(g.upperCornerMM, needHi)
        let size = ((unionHi - unionLo) / g.spacingMM).rounded(.up) * g.spacingMM
        let center = (unionLo + unionHi) / 2
        func v(_ x: SIMD3<Double>) -> String { "[\(JSONWriter.format((x.x * 100).rounded() / 100)), \(JSONWriter.format((x.y * 100).rounded() / 100)), \(JSONWriter.format((x.z * 100).rounded() / 100))]" }
        let margin = marginMM > 0 ? " with its \(JSONWriter.format(marginMM)) mm margin" : ""
        throw PresetError(path: "regions.\(n).shape",
                          "target \"\(region.name)\"\(margin) reaches beyond the grid (\(faces.joined(separator: "; "))); its coverage and margin would be measured on what is left. Expected a grid that holds it, e.g. \"grid\": {\"center_mm\": \(v(center)), \"size_mm\": \(v(size)), \"spacing_mm\": \(JSONWriter.format(g.spacingMM))}")
    }

    func intersects(_ shape: ShapeSpec, _ g: Grid3D) -> Bool {
        let (lo, hi) = shape.makeShape().boundingBoxMM
        return all(hi .>= g.lowerCornerMM) && all(lo .<= g.upperCornerMM)
    }

    func bounds(_ g: Grid3D) -> String {
        let lo = g.lowerCornerMM, hi = g.upperCornerMM
        func f(_ v: Double) -> String { String(format: "%.4g", v) }
        return "x \(f(lo.x))..\(f(hi.x)), y \(f(lo.y))..\(f(hi.y)), z \(f(lo.z))..\(f(hi.z)) mm"
    }

    public func makeGrid() -> Grid3D { Grid3D(centerMM: grid.centerMM, sizeMM: grid.sizeMM, spacingMM: grid.spacingMM) }
}

