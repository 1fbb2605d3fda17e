/// What a verification check exercises; the values are the `physics` field of `ablsim verify --json`.
public enum VerifiedPhysics: String, CaseIterable, Sendable {
    /// Heat conduction (the 7-point Laplacian and the explicit step).
    case conduction
    /// Pennes perfusion, the sink toward arterial temperature.
    case perfusion
    /// Tissues of different properties side by side (conductance at interfaces).
    case heterogeneous
    /// Temporal order of the stepping and of the damage sampling.
    case timeIntegration = "time_integration"
    /// Cell-death models: Arrhenius, CEM43.
    case damage
    /// Temperature-dependent thermal conductivity k(T).
    case conductivityLaw = "conductivity_law"
    /// Phase change at 100 °C: latent heat, the moving front.
    case vaporisation
    /// Convective heat transfer to flowing blood.
    case vessel
    /// The electric potential, Joule heat and generator control.
    case rf
    /// Microwave power deposition and the dielectric law.
    case mwa
}
