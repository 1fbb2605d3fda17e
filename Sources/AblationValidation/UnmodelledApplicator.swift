/// Applicators ablsim has no model of, recognised from the words of a row's device column. Such a
/// row is listed as not modelled instead of being simulated as the nearest device it resembles: an
/// internally cooled wet electrode is "cooled", but the saline it infuses made zones 6.6x larger in
/// volume than the same needle dry (73.5 against 11.1 mL ex vivo, Cardiovasc Intervent Radiol 2009,
/// doi 10.1007/s00270-009-9600-0), so simulated as a 3 cm cooled tip it came out 35 % narrow and
/// 15 % short (1 mm, December 2026): an error of the mapping, not of the model.
enum UnmodelledApplicator: Sendable, Equatable, CaseIterable {
    /// Current between two electrodes (on one applicator or on several), no dispersive pad: ablsim's
    /// RF current flows from the electrodes to the grid's boundary.
    case bipolar
    /// Saline infused into the tissue (perfused, perfusion-cooled, wet, cooled-wet, saline-enhanced
    /// electrodes and antennas): ablsim models no fluid in the tissue and no change of its conductivity.
    case wet
    /// Several applicators on one generator: switched, dual, sequential or simultaneous electrodes.
    /// `validate` simulates one applicator per row, and ablsim has no switching generator.
    case severalElectrodes
    /// Gas-cooled (CO2, cryo-cooled) applicators under current control: neither the coolant's
    /// Joule-Thomson cooling nor a current-controlled generator is modelled.
    case gasCooled

    /// Why the row is not modelled, for the report.
    var reason: String {
        switch self {
        case .bipolar: return "bipolar or multipolar applicator (current between electrodes, no pad): ablsim's RF is monopolar"
        case .wet: return "saline infused into the tissue (perfused or wet electrode): no fluid in the tissue is modelled"
        case .severalElectrodes: return "several electrodes on one generator (switched, dual, sequential or simultaneous): one applicator per row, no switching generator"
        case .gasCooled: return "gas-cooled applicator under current control: neither is modelled"
        }
    }

    /// The kinds the text names, in the order of `allCases` (nil when none). Word stems, so that
    /// "switched", "switching" and "dual-switching" all count; "internally perfused" and
    /// "internally water-perfused" name closed-circuit cooling, not infusion, and "no infusion"
    /// names none.
    static func recognise(device: String) -> UnmodelledApplicator? {
        let d = " " + device.lowercased() + " "
        func has(_ words: [String]) -> Bool { words.contains { d.contains($0) } }
        if has(["bipolar", "multipolar"]) { return .bipolar }
        let negatedInfusion = has(["no infusion", "without infusion", "no saline", "without saline"])
        let internalPerfusion = has(["internally perfused", "internally water-perfused", "internally water perfused"])
        let perfused = has(["perfused", "perfusion"]) && !internalPerfusion
        // RITA's UniBlate is a perfusion electrode; the table's later rows name it alone.
        if has(["wet", "irrigat", "saline-enhanced", "uniblate"]) || perfused || (!negatedInfusion && has(["saline", "infusion", "infused"])) {
            return .wet
        }
        // A dual-slot antenna is one antenna.
        let dual = has(["dual"]) && !has(["dual-slot", "dual slot"])
        if dual || has(["switch", "sequential", "simultaneous", "multiple electrodes", "multiple antennas", " 2 x ", " 3 x ", " 4 x "]) {
            return .severalElectrodes
        }
        if has(["cryo", "co2", "gas-cooled", "gas cooled"]) { return .gasCooled }
        return nil
    }
}
