/// Where tissue water boils and the tissue dries, for every law that changes there: the
/// vaporisation plateau of the heat capacity (Vaporisation), the conductivity laws k(T)
/// (TissuePropertyLaw) and sigma(T) (ElectricalConductivityLaw), and the microwave dielectric
/// properties (DielectricModel). Values and sources: docs/physics.md.
public enum PhaseChange {
    /// Water starts to boil: the heat capacity's latent plateau and the electrical drying begin.
    public static let boilingOnsetC: Float = 99
    /// The tissue is dry: the plateau ends, k and c take their desiccated values.
    public static let desiccatedC: Float = 104
    /// Latent heat of vaporisation of water (J/kg) and its density (kg/m³).
    public static let latentHeatJPerKg = 2.26e6
    public static let waterDensityKgM3 = 1000.0
    /// The microwave dielectric properties drop irreversibly from here (Ji & Brace's fit starts
    /// its desiccation term at 100 °C, so the dielectric law keeps that published onset rather
    /// than the thermal model's 99 °C).
    public static let dielectricDesiccationOnsetC = 100.0
}
