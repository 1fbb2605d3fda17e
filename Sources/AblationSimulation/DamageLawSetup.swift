import AblationKernels
import AblationPreset
import AblationTissue
import Foundation

extension DamageLaw {
    /// The run's damage law. Arrhenius constants belong to each voxel's own material: a region of
    /// another tissue accumulates damage at its own rate (the built-in tumour has its own constants).
    /// When every material shares one pair of constants the uniform law runs, which gives the same numbers.
    init(preset: Preset, scene: Scene, layout L: PaddedLayout) {
        switch preset.damage.model {
        case .cem43: self = .cem43
        case .isotherm: self = .peakTemperature
        case .arrhenius:
            let constants = scene.labelMaterials.map { DamageLaw.arrheniusConstants(preset.materials[$0]!) }
            let background = constants[0]
            if constants.allSatisfy({ $0 == background }) {
                self = .arrhenius(logFrequencyFactor: background.lnA, activationTemperature: background.eaR)
                return
            }
            // Ghosts and padding keep the background's constants: finite, and never read back.
            let lnA = AlignedBuffer<Float>(count: L.count, repeating: Float(background.lnA))
            let eaR = AlignedBuffer<Float>(count: L.count, repeating: Float(background.eaR))
            let g = scene.grid
            for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
                let c = constants[Int(scene.labels[g.linearIndex(i, j, k)])]
                lnA[L.index(i, j, k)] = Float(c.lnA)
                eaR[L.index(i, j, k)] = Float(c.eaR)
            } } }
            self = .arrheniusPerVoxel(ArrheniusField(logFrequencyFactor: lnA, activationTemperature: eaR))
        }
    }

    /// A material's Arrhenius constants as the law uses them: ln A and Ea / R (K).
    static func arrheniusConstants(_ m: Material) -> (lnA: Double, eaR: Double) {
        (lnA: log(m.arrheniusFrequencyFactorPerS), eaR: m.arrheniusActivationEnergyJMol / gasConstantJMolK)
    }

    /// The damage integrator's baseline (°C) for `preset`: its initial temperature with
    /// `damage.baseline` "initial_temperature", else none.
    static func baselineC(_ preset: Preset) -> Double? {
        preset.damage.baseline == .initialTemperature ? preset.initialTemperatureC : nil
    }

    /// R in J/mol/K (CODATA 2018), turning an activation energy into a temperature.
    static let gasConstantJMolK = 8.314462618
}
