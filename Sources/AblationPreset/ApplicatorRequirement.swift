import AblationJSON

/// Whether a preset must place its applicators. A simulation needs at least one; `ablsim plan`
/// chooses them, so a preset for planning may list none (or leave the key out).
public enum ApplicatorRequirement: Sendable {
    case required
    case optionalForPlanning

    /// The refusal of a preset without applicators where a simulation needs them (exit 65): it
    /// points at `ablsim plan`, the command that places them.
    public static func missing(_ problem: String = "is empty", hasPlanning: Bool) -> PresetError {
        PresetError(path: "applicators", problem + "; expected at least one applicator to simulate. To have ablsim choose them, run `ablsim plan` on this preset"
            + (hasPlanning ? "" : " after adding a planning block (planning.applicators templates with power_w and duration_s ranges; docs/planning.md)"))
    }
}
