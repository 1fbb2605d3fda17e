import AblationPreset
import ArgumentParser

@main
struct Ablsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablsim",
        abstract: "Thermal ablation zone simulator: Pennes bioheat with cell-death models.",
        discussion: """
            Exit status (sysexits): 0 success; 1 a verify check or a sweep case failed; 2 plan: no \
            feasible plan; 64 usage error; 65 invalid preset or data; 66 missing input file; 69 sbatch \
            missing or refused the job; 70 simulation failure; 73 cannot create output; 74 I/O error; \
            130 interrupted (Ctrl-C), nothing written.

            Examples:
              ablsim run                                   # the bundled default preset
              ablsim run my-case.json --out runs/case1
              ablsim run my-case.json --set applicators.0.schedule.0.power_w=10
              ablsim check my-case.json
              ablsim verify --quick
            """,
        version: AblsimVersionText.text,
        subcommands: [RunCommand.self, CheckCommand.self, PresetsCommand.self, VerifyCommand.self, ValidateCommand.self,
                      SweepCommand.self, PlanCommand.self]
    )
}

enum AblsimVersionText {
    static let text = "ablsim \(AblsimVersion.string)"
}
