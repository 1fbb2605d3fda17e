import AblationElectric
import AblationPreset
/// The numerical constants of an RF electrode's potential solve and of its heat between solves.
/// The planner's RF model fingerprint is derived from these values.
struct RadiofrequencyNumerics: Sendable, Equatable {
    /// Relative residual of every potential solve. The heat and the resistance come from the
    /// field's energy, whose error is second order in the field's, so a loose tolerance loses
    /// nothing the zone shows: 1e-4 -> 1e-3 kept the energy to 5 digits on the cooled-tip 12-min
    /// preset at 0.5 mm (zone within 0.6 %); 1e-3 -> 3e-3, with the needle's true surface, took
    /// 28 % fewer CG iterations at 0.5 mm, energy and zone volume within 1.3 % and 0.9 % there and
    /// within 0.8 % and 0.2 % in the cluster and vessel presets at 0.75 mm (the spread a roll-off
    /// moved by one solve gives), margins identical (docs/performance.md).
    var solveTolerance = 3e-3
    /// Solves between rebuilds of the multigrid hierarchy (PotentialSolver.hierarchyLag): sigma
    /// changes little between 3-s solves, and the rebuild costs about two fine-grid sweeps.
    var multigridLag = 4
    /// Default `update_interval_s` (the preset's default, here so that the fingerprint has it).
    var defaultUpdateIntervalS = Preset.RadiofrequencySpec.defaultUpdateIntervalS
    /// Between solves a voxel's heat may grow with its conductivity by at most this factor. With
    /// the field held, a voxel that was dry at the solve (sigma down 1000x, so a large field across
    /// it) and rewets would otherwise take up to 1000x its heat; in reality the field around it
    /// redistributes at once. 1.25 still follows the +2 %/°C law over a 12 K rise between solves.
    var refreshGainLimit: Float = 1.25
}
