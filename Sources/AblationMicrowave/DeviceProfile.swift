import AblationGrid
import AblationTissue
import Foundation

/// Named microwave antennas a preset can ask for (`"device"` of an `mwa` applicator).
public enum MicrowaveDevice: String, CaseIterable, Sendable {
    case generic, emprint, amica
}

/// Everything the semi-empirical SAR model needs to know about one antenna at one frequency.
///
/// Axial coordinate z: millimetres along the needle from the tip, positive toward the feed / entry
/// point. The axial profile A(z) (1/mm, integral 1) is the fraction of absorbed power radiated per
/// unit length of the antenna:
///
///     A(z) = (1 - b) * M(z) / ((Lf + Lb) / 2)  +  b * S(z) / (Ls / 2)
///
/// - M: the main lobe, a teardrop made of two raised-cosine halves joined at its peak z = zc
///   (`feedOffsetMM` behind the tip): 0.5 (1 + cos(pi (z - zc) / L)) with L = Lf on the tip side
///   (z < zc) and L = Lb on the feed side. Lb > Lf gives the rounded front and tapered tail of the
///   published SAR patterns. The curve is C1 and has compact support [zc - Lf, zc + Lb].
/// - S: backward heating along the shaft (reflected / surface currents on the outer conductor, which
///   chokes and cooled shafts suppress): a raised-cosine bump 0.5 (1 - cos(2 pi (z - zc) / Ls)) on
///   [zc, zc + Ls], zero (and continuous) at both ends, peaking Ls/2 behind the feed. With the feed
///   side of M it forms the long tapered "comet tail" of unchoked antennas.
/// - Lf, Lb grow slightly with forward power: L(P) = L_ref (P / P_ref)^gamma, standing in for the
///   longer effective radiating section of a hot, dried track (the zone's long axis grows faster
///   than the short one in the charts). Ls does not.
///
/// - Lb and Ls also grow as the tissue around the antenna dries (`dryingElongation`).
///
/// Calibration (docs/validation.md#calibration): for each named device, one parameter set (efficiency,
/// feed offset, Lf, Lb, gamma, b, Ls, kappa) was fitted by coordinate descent on the device's chart
/// rows of `device-zones-training.csv` (mean squared relative error of short and long axes, plus a
/// penalty above 12 %), simulated on 1.5 mm voxels in the chart's tissue condition
/// (`ValidationMapping`), and checked on 1 mm voxels. The antenna radius is a fixed device fact, not
/// fitted. The efficiency lumps cable loss, reflection and the heat the coolant carries off; the fitted
/// values are low because this model has no explicit coolant sink. Rows of one device share every
/// number: nothing is per row.
public struct DeviceProfile: Sendable, Equatable {
    public var device: MicrowaveDevice
    public var frequencyMHz: Int
    /// Fraction of forward (generator) power absorbed by tissue: the rest is lost in the cable,
    /// reflected, or carried off by the coolant.
    public var efficiency: Double
    /// Peak of the main lobe, mm behind the tip (the shaft lobe can move the whole profile's maximum back).
    public var feedOffsetMM: Double
    /// Raised-cosine half-lengths of the main lobe at `referencePowerW`: tip side, feed side (mm).
    public var forwardHalfLengthMM: Double
    public var backwardHalfLengthMM: Double
    /// Forward power at which the half-lengths above apply, and the exponent of their growth.
    public var referencePowerW: Double
    public var lengthPowerExponent: Double
    /// Fraction of the absorbed power deposited by the backward (shaft) lobe, and its length (mm).
    public var backwardFraction: Double
    public var shaftLobeLengthMM: Double
    /// Antenna outer radius (mm): the cylindrical spreading 1/max(r, r0) is capped inside it.
    public var antennaRadiusMM: Double
    /// Exponent kappa of the feed-side lengthening with the tissue around the antenna: the feed-side
    /// half-length Lb and the shaft lobe Ls are multiplied by (lambda / lambda_37)^kappa, where lambda is
    /// the wavelength in the tissue next to the antenna (`MicrowaveSAR.nearFieldWavelengthRatio`). As
    /// that tissue dries its permittivity falls (47.9 -> 10.9 at 2.45 GHz), the guided wavelength grows
    /// (x 2.1) and the heated section creeps back along the shaft: the zones of unchoked and weakly
    /// choked antennas lengthen with time. 0 = a pattern fixed by power alone.
    public var dryingElongation: Double = 0

    public init(device: MicrowaveDevice, frequencyMHz: Int, efficiency: Double, feedOffsetMM: Double,
                forwardHalfLengthMM: Double, backwardHalfLengthMM: Double, referencePowerW: Double,
                lengthPowerExponent: Double, backwardFraction: Double, shaftLobeLengthMM: Double,
                antennaRadiusMM: Double) {
        self.device = device
        self.frequencyMHz = frequencyMHz
        self.efficiency = efficiency
        self.feedOffsetMM = feedOffsetMM
        self.forwardHalfLengthMM = forwardHalfLengthMM
        self.backwardHalfLengthMM = backwardHalfLengthMM
        self.referencePowerW = referencePowerW
        self.lengthPowerExponent = lengthPowerExponent
        self.backwardFraction = backwardFraction
        self.shaftLobeLengthMM = shaftLobeLengthMM
        self.antennaRadiusMM = antennaRadiusMM
    }

    /// Frequencies each device runs at.
    public static func supportedFrequencies(_ d: MicrowaveDevice) -> [Int] {
        switch d {
        case .generic: return [915, 2450]
        case .emprint, .amica: return [2450]   // both are 2.45 GHz systems (chart rows: 2450 MHz)
        }
    }

    public static func profile(_ d: MicrowaveDevice, frequencyMHz: Int) throws -> DeviceProfile {
        try baseProfile(d, frequencyMHz: frequencyMHz)
    }

    static func baseProfile(_ d: MicrowaveDevice, frequencyMHz: Int) throws -> DeviceProfile {
        guard frequencyMHz == 915 || frequencyMHz == 2450 else { throw MicrowaveError.unsupportedFrequency(frequencyMHz) }
        guard supportedFrequencies(d).contains(frequencyMHz) else {
            throw MicrowaveError.deviceFrequency(device: d.rawValue, frequencyMHz: frequencyMHz,
                                                 supported: supportedFrequencies(d))
        }
        switch (d, frequencyMHz) {
        case (.emprint, _):
            // Emprint ("Covidien MWA" chart rows, 45 and 100 W; field and thermal control, cooled
            // shaft). Fitted on the 10 chart rows in living liver (the charts plateau with time: see
            // ValidationMapping.chartTissue). It was refitted (0.1.0, 2026-11-27) with the
            // living-tissue condition's perfusion stasis dose (Material.defaultPerfusionStasisDose):
            // only the efficiency moved (0.25 -> 0.34); max error at 1.5 mm 10 % (16 % before: zones
            // grew faster with time than the charts, which perfusion through coagulating tissue now
            // slows).
            var p = DeviceProfile(
                device: .emprint, frequencyMHz: 2450,
                efficiency: 0.34,            // fitted (0.25 before the living-tissue stasis dose)
                feedOffsetMM: 11.0,          // chart ellipsoid centre offset 11-11.5 mm behind the tip at 45 W; fit kept it
                forwardHalfLengthMM: 6.0,    // fitted: the zone reaches 1-3 mm past the tip
                backwardHalfLengthMM: 20.0,  // fitted
                referencePowerW: 45,         // lowest chart power
                lengthPowerExponent: 0.3,    // fitted: 100/45 W -> half-lengths x1.27
                backwardFraction: 0.07,      // fitted: field control and the cooled shaft keep the shaft lobe small
                shaftLobeLengthMM: 10,       // fitted
                antennaRadiusMM: 1.2)        // 13 G needle, 2.4 mm outer diameter (?) — not re-checked
            p.dryingElongation = 0.6         // fitted
            return p
        case (.amica, _):
            // AMICA (HS Hospital Service) chart rows, 20 and 60 W; choked, cooled antenna. Fitted on the
            // 8 chart rows in bench (ex vivo, 20 °C) tissue: max error 8 % at 1.5 mm.
            var p = DeviceProfile(
                device: .amica, frequencyMHz: 2450,
                efficiency: 0.52,            // fitted
                feedOffsetMM: 10.0,          // chart centre offset 10 mm behind the tip at 20 W / 3 min; fit kept it
                forwardHalfLengthMM: 8.0,    // fitted
                backwardHalfLengthMM: 18.0,  // fitted
                referencePowerW: 20,         // lowest chart power
                lengthPowerExponent: 0.2,    // fitted: 60/20 W -> half-lengths x1.25
                backwardFraction: 0.15,      // fitted: the choke limits but does not remove the backward tail
                                             // (chart centre offsets grow to 22 mm at 60 W)
                shaftLobeLengthMM: 30,       // fitted
                antennaRadiusMM: 1.0)        // 14 G (2.1 mm) class probe assumed (?)
            p.dryingElongation = 0.7         // fitted: zones creep back along the shaft as the track dries
            return p
        case (.generic, 2450):
            // Unnamed cooled-shaft 2.45 GHz antenna. Fitted on the three literature rows with power and
            // time (He 2010: 40 and 50 W for 10 min; Kuang 2007: 80 W for 25 min; all ex vivo porcine):
            // max error 5 % at 1.5 mm. Three rows for eight numbers: expect larger errors elsewhere.
            var p = DeviceProfile(
                device: .generic, frequencyMHz: 2450,
                efficiency: 0.40,            // fitted
                feedOffsetMM: 12.0,          // fitted
                forwardHalfLengthMM: 12.0,   // fitted
                backwardHalfLengthMM: 26.0,  // fitted
                referencePowerW: 60,         // middle of clinical 30-150 W
                lengthPowerExponent: 0.2,    // kept
                backwardFraction: 0.20,      // kept: no choke assumed -> the "comet tail" along the shaft
                shaftLobeLengthMM: 30,       // kept
                antennaRadiusMM: 1.0)        // brief: ~1 mm
            p.dryingElongation = 1.0         // fitted
            return p
        default:
            // Generic 915 MHz antenna. The wavelength in liver is ~2.7x longer than at 2.45 GHz
            // (47 vs 17.5 mm at 37 °C, see DielectricModel), and 915 MHz radiating sections are longer;
            // lengths are the 2.45 GHz ones x1.5 (about the square root of the wavelength ratio).
            // ASSUMPTION / PLACEHOLDER throughout: no 915 MHz zone data are in the training CSV. The
            // efficiency is the calibrated 2.45 GHz generic one.
            return DeviceProfile(
                device: .generic, frequencyMHz: 915,
                efficiency: 0.40,            // PLACEHOLDER: as the calibrated 2.45 GHz generic antenna
                feedOffsetMM: 15.0,          // PLACEHOLDER
                forwardHalfLengthMM: 15.0,   // PLACEHOLDER
                backwardHalfLengthMM: 22.0,  // PLACEHOLDER
                referencePowerW: 45,         // PLACEHOLDER
                lengthPowerExponent: 0.2,    // PLACEHOLDER
                backwardFraction: 0.20,      // PLACEHOLDER
                shaftLobeLengthMM: 40,       // PLACEHOLDER
                antennaRadiusMM: 1.0)
        }
    }

    /// Main-lobe half-lengths (tip side, feed side) in mm at a forward power, with the tissue next to
    /// the antenna at `wavelengthRatio` (lambda / lambda at 37 °C; 1 = fresh tissue).
    public func halfLengthsMM(forwardPowerW p: Double, wavelengthRatio: Double = 1) -> (forward: Double, backward: Double) {
        let g = p > 0 && referencePowerW > 0 ? pow(p / referencePowerW, lengthPowerExponent) : 1
        return (forwardHalfLengthMM * g, backwardHalfLengthMM * g * dryingFactor(wavelengthRatio))
    }

    /// Length of the shaft lobe (mm) at a near-field wavelength ratio.
    public func shaftLobeMM(wavelengthRatio: Double = 1) -> Double {
        shaftLobeLengthMM * dryingFactor(wavelengthRatio)
    }

    func dryingFactor(_ ratio: Double) -> Double {
        dryingElongation == 0 || !(ratio > 0) || !ratio.isFinite ? 1 : pow(ratio, dryingElongation)
    }

    /// The z interval (mm) outside which A(z) is zero.
    public func supportMM(forwardPowerW p: Double, wavelengthRatio: Double = 1) -> ClosedRange<Double> {
        let l = halfLengthsMM(forwardPowerW: p, wavelengthRatio: wavelengthRatio)
        let back = backwardFraction > 0 ? max(l.backward, shaftLobeMM(wavelengthRatio: wavelengthRatio)) : l.backward
        return (feedOffsetMM - l.forward)...(feedOffsetMM + back)
    }

    /// The axial profile A(z) in 1/mm (its integral over z is 1).
    public func axialProfile(zMM z: Double, forwardPowerW p: Double, wavelengthRatio: Double = 1) -> Double {
        let l = halfLengthsMM(forwardPowerW: p, wavelengthRatio: wavelengthRatio)
        let ls = shaftLobeMM(wavelengthRatio: wavelengthRatio)
        let x = z - feedOffsetMM
        var main = 0.0
        if x <= 0, x > -l.forward { main = 0.5 * (1 + cos(Double.pi * x / l.forward)) }
        if x > 0, x < l.backward { main = 0.5 * (1 + cos(Double.pi * x / l.backward)) }
        var a = (1 - backwardFraction) * main / ((l.forward + l.backward) / 2)
        if backwardFraction > 0, x >= 0, x < ls {
            a += backwardFraction * 0.5 * (1 - cos(2 * Double.pi * x / ls)) / (ls / 2)
        }
        return a
    }
}
