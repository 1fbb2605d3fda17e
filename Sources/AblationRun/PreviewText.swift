import AblationAnalysis
import AblationPreset
import AblationPreview
import Foundation

/// What preview.png's header says about a run: what was applied (device, power, time) and, per
/// target, the verdict of the zone analysis.
enum PreviewText {
    /// E.g. "MWA emprint 2450 MHz, 100 W for 5 min; 7 min simulated, arrhenius damage". Identical
    /// applicators are counted ("2 x ...") rather than repeated.
    static func applied(_ preset: Preset, simulatedTimeS: Double) -> String {
        var groups: [(text: String, count: Int)] = []
        for text in preset.applicators.map(describe) {
            if let n = groups.firstIndex(where: { $0.text == text }) { groups[n].count += 1 } else { groups.append((text, 1)) }
        }
        let devices = groups.map { $0.count > 1 ? "\($0.count) x \($0.text)" : $0.text }
        let run = "\(duration(simulatedTimeS)) simulated, \(preset.damage.model.rawValue) damage"
        return (devices + [run]).joined(separator: "; ")
    }

    static func describe(_ applicator: Preset.Applicator) -> String {
        switch applicator {
        case .heatSource(_, let schedule):
            return "heat source, \(phases(schedule))"
        case .microwave(let m):
            let device = m.device == "generic" ? "" : " \(m.device)"
            return "MWA\(device) \(m.frequencyMHz) MHz, \(phases(m.schedule))"
        case .radiofrequency(let r):
            let device = r.device == "generic" ? "" : " \(r.device)"
            let electrode: String
            switch r.electrode {
            case .cooledTip: electrode = "cooled tip \(SliceRenderer.formatShort(r.activeLengthMM)) mm"
            case .cluster: electrode = "cluster of 3, \(SliceRenderer.formatShort(r.activeLengthMM)) mm tips"
            case .multiTine(let t):
                electrode = "\(t.tines)-tine \(t.shape.rawValue) \(SliceRenderer.formatShort(t.deployedDiameterMM)) mm"
            }
            let control: String
            switch r.control {
            case .constantPower(let p): control = "\(watts(p)) constant"
            case .impedance(let p, .generic): control = "impedance control up to \(watts(p))"
            case .impedance(let p, .leveen(let start)): control = "LeVeen ramp \(watts(start)) to \(watts(p))"
            case .temperature(let c, let p): control = "\(SliceRenderer.formatShort(c))°C control up to \(watts(p))"
            }
            return "RFA\(device) \(electrode), \(control) for \(duration(r.durationS))"
        }
    }

    /// "100 W for 5 min", or phase by phase: "60 W for 2 min, then off for 1 min, then 100 W for 3 min".
    static func phases(_ schedule: [Preset.PowerPhase]) -> String {
        var merged: [Preset.PowerPhase] = []
        for phase in schedule {
            if let last = merged.last, last.powerW == phase.powerW {
                merged[merged.count - 1].durationS += phase.durationS
            } else {
                merged.append(phase)
            }
        }
        return merged.map { ($0.powerW == 0 ? "off" : watts($0.powerW)) + " for \(duration($0.durationS))" }
            .joined(separator: ", then ")
    }

    static func watts(_ p: Double) -> String { "\(SliceRenderer.formatShort(p)) W" }

    /// "45 s", "5 min", "12 min 30 s".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 60 else { return "\(SliceRenderer.formatShort(seconds)) s" }
        let s = Int(seconds.rounded())
        return s % 60 == 0 ? "\(s / 60) min" : "\(s / 60) min \(s % 60) s"
    }

    static func verdicts(_ analysis: ZoneAnalysis, requiredMarginMM: Double) -> [TargetVerdict] {
        analysis.targets.map { t in
            TargetVerdict(name: t.name, coveragePercent: t.coveragePercent, minMarginMM: t.minMarginMM,
                          requiredMarginMM: requiredMarginMM, complete: t.complete, completeWithMargin: t.completeWithMargin,
                          weakestMarginPointMM: t.detail?.weakestPointMM)
        }
    }

    /// PNG text chunks are Latin-1: other characters (a preset or target name in another script) become '?'.
    static func latin1(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value <= 0xFF && $0.value != 0 ? $0 : "?" }))
    }
}
