import AblationJSON
import AblationRun
import AblationSweep
import ArgumentParser
import Foundation

struct SweepListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print one line per case: case id, a tab, and the command that runs it.",
        discussion: """
            The commands are plain `ablsim run BASE --set path=value... --out DIR/cases/ID --quiet` \
            (or `ablsim sweep case` for an inline base), shell-quoted, so any engine can run them; \
            DIR/cases/ID then looks exactly as `ablsim sweep` leaves it, and `ablsim sweep collect DIR` \
            reads it. Also writes DIR/sweep.json, which collect needs.

            Example (GNU parallel, 2 cases at a time, skipping finished ones on reruns):
              ablsim sweep list S.json --out runs/s | cut -f2 | parallel -j2
            """)

    @Argument(help: "Sweep JSON file.")
    var sweep: String

    @Option(name: .long, help: "Output folder of the sweep.")
    var out: String

    @Flag(name: .long, help: "List only cases whose folder is not complete yet.")
    var pending = false

    func run() throws {
        let plan = try SweepSupport.plan(sweep)
        let layout = SweepLayout(root: URL(fileURLWithPath: out))
        do { try SweepManifest(plan: plan).write(to: layout) } catch { throw Failure.exit(for: error) }
        let executable = SweepSupport.executablePath
        var text = ""
        for c in plan.cases where !pending || layout.state(of: c.id) != .complete {
            let argv = plan.commandLine(for: c, executable: executable, caseDirectory: layout.caseDirectory(c.id).path)
            text += c.id + "\t" + ShellQuote.join(argv) + "\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

struct SweepCaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Run one case of a sweep by its id (as `ablsim sweep list` names it).",
        discussion: """
            Equivalent to `ablsim run` of the base preset with the case's --set values; needed for \
            sweeps whose base is an inline preset.
            """)

    @Argument(help: "Sweep JSON file.")
    var sweep: String

    @Option(name: .long, help: "Case id.")
    var id: String

    @Option(name: .long, help: "Output folder of this case.")
    var out: String

    @Flag(name: .long, help: "Replace the output folder if it already holds results (atomically, once the new ones are complete).")
    var force = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func run() throws {
        Interrupt.install()
        let plan = try SweepSupport.plan(sweep, validation: .only(id: id))
        let c = plan.cases.first { $0.id == id }!
        var pipeline = RunPipeline()
        switch plan.sweep.base {
        case .file(_, let resolved):
            pipeline.presetPath = resolved
        case .inline(let document):
            pipeline.bundled = ("the inline base of \(sweep)", Array(JSONWriter.string(document).utf8))
            pipeline.bundledBaseDirectory = plan.baseDirectory
        }
        pipeline.overrides = c.assignments
        pipeline.outputDirectory = out
        pipeline.force = force
        if let threads { pipeline.threads = threads }
        try pipeline.runReporting(quiet: quiet)
    }
}
