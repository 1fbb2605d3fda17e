import AblationGrid
import AblationJSON
import AblationPreset

/// What a planning template places, and how one position of it becomes an `applicators[]` entry.
public enum TemplateDevice: Sendable, Equatable {
    case microwave(frequencyMHz: Int, device: String)
    /// An RF electrode with its generator. `applicator` is the template's own keys completed into
    /// an `rfa` applicator with placeholder tip, entry, duration and power (what the preset decoder
    /// checked); `spec` is that applicator decoded. Positions are made from `applicator`, so a
    /// key the template leaves out keeps the preset format's default, exactly as in `ablsim run`.
    case radiofrequency(applicator: JSONValue, spec: Preset.RadiofrequencySpec)

    /// Whether a position can wait at zero power before it starts (the second position of a
    /// pulled-back needle). An `rfa` applicator's generator runs from time zero for `duration_s`
    /// (the preset format has no delayed start for it), so RF plans are not pulled back.
    var canStartLate: Bool {
        if case .microwave = self { return true } else { return false }
    }

    /// How far an RF electrode's conductors reach from the needle's tip (mm): back along the track,
    /// ahead of the tip, and sideways from the track. The preset refuses conductors within a voxel
    /// of the grid's edge (the dispersive pad), so the search must not place them there.
    struct Reach: Equatable {
        var backMM = 0.0, forwardMM = 0.0, lateralMM = 0.0
    }
    var reach: Reach {
        guard case let .radiofrequency(_, spec) = self else { return Reach() }
        switch spec.electrode {
        case .cooledTip: return Reach(backMM: spec.activeLengthMM, lateralMM: spec.diameterMM / 2)
        case let .cluster(spacing):
            return Reach(backMM: spec.activeLengthMM, lateralMM: spacing / 3.0.squareRoot() + spec.diameterMM / 2)
        case let .multiTine(m):
            // Tines end on a circle of the deployed diameter; star tines half a diameter ahead of the
            // tip, umbrella tines curve forward less than that before turning back.
            let radius = m.deployedDiameterMM / 2 + m.tineDiameterMM / 2
            return Reach(forwardMM: radius, lateralMM: radius)
        }
    }

    /// Whether more power never gives a smaller zone (for the same time). True for an antenna; not
    /// for an impedance-controlled RF generator, which at a higher setting dries the tissue at the
    /// tip sooner and pauses more: the cooled tip's library zone at 900 s was 31.1 mL at 50 W and
    /// 29.5 mL at 200 W (docs/planning.md#rf-specifics). Time still only ever adds damage.
    var zoneGrowsWithPower: Bool {
        if case .microwave = self { return true } else { return false }
    }

    /// The generator key a template's `power_w` sets: an impedance- or temperature-controlled RF
    /// generator delivers what the tissue lets it, up to `max_power_w`; only constant power is a
    /// delivered power.
    static func powerKey(_ control: Preset.RadiofrequencySpec.Control) -> String {
        if case .constantPower = control { return "power_w" } else { return "max_power_w" }
    }

    /// One position: `power_w` for `durationS`, switched on at `startS` (0 for RF).
    func applicatorJSON(tipMM: SIMD3<Double>, entryMM: SIMD3<Double>, powerW: Double, durationS: Double, startS: Double) -> JSONValue {
        switch self {
        case let .microwave(frequency, device):
            var schedule: [JSONValue] = []
            if startS > 0 { schedule.append(["duration_s": .number(startS), "power_w": 0]) }
            schedule.append(["duration_s": .number(durationS), "power_w": .number(powerW)])
            return ["type": "mwa", "frequency_mhz": .number(Double(frequency)), "device": .string(device),
                    "tip_mm": vectorJSON(tipMM), "entry_mm": vectorJSON(entryMM), "schedule": .array(schedule)]
        case let .radiofrequency(applicator, spec):
            // The search never delays an RF position (canStartLate); a delay here would be silently lost.
            precondition(startS == 0, "an rfa position cannot start late")
            let control = (applicator["control"] ?? .object([])).setting(TemplateDevice.powerKey(spec.control), .number(powerW))
            var placed = applicator.setting("tip_mm", vectorJSON(tipMM)).setting("entry_mm", vectorJSON(entryMM))
                .setting("control", control).setting("duration_s", .number(durationS))
            // Track ablation ends where the path does: a short path (an entry close to the target)
            // shortens the withdrawal to the path's length past the bare tip (to 0.1 mm), and one
            // with less than the 1 mm minimum left has none.
            if let track = spec.trackAblation {
                let path = tipMM - entryMM
                let length = min(track.lengthMM, Preset.RadiofrequencySpec.TrackAblationSpec.maximumLengthMM(
                    pathLengthMM: (path * path).sum().squareRoot(), activeLengthMM: spec.activeLengthMM))
                placed = placed.setting("track_ablation", length < 1 ? nil
                    : (applicator["track_ablation"] ?? .object([])).setting("length_mm", .number(length)))
            }
            return placed
        }
    }

    /// For progress lines: "emprint 2450 MHz", "cooled_tip RF electrode (impedance control)".
    var label: String {
        switch self {
        case let .microwave(frequency, device): return "\(device) \(frequency) MHz"
        case let .radiofrequency(_, spec):
            let mode: String
            switch spec.control {
            case .constantPower: mode = "constant power"
            case .impedance(_, .generic): mode = "impedance control"
            case .impedance(_, .leveen): mode = "impedance control, LeVeen ramp"
            case .temperature: mode = "temperature control"
            }
            return "\(spec.electrode.name) RF electrode (\(mode))"
        }
    }

    /// Identifying keys for plan-summary.json and the cache records.
    var summaryMembers: [(String, JSONValue)] {
        switch self {
        case let .microwave(frequency, device):
            return [("device", .string(device)), ("frequency_mhz", .number(Double(frequency)))]
        case let .radiofrequency(applicator, spec):
            return [("type", "rfa"), ("electrode", .string(spec.electrode.name)),
                    ("control", (applicator["control"] ?? .null).setting(TemplateDevice.powerKey(spec.control), nil)),
                    ("power_w_sets", .string("control." + TemplateDevice.powerKey(spec.control)))]
        }
    }
}
