import AblationIO
import Foundation
import Testing

/// One malformed input and exactly what a user must see: the sysexits code and the whole
/// error line. Every case also checks that nothing was written.
struct HostileCase: CustomTestStringConvertible, Sendable {
    var name: String
    var preset: String
    var arguments: [String]
    var status: Int32
    var message: String
    init(_ name: String, preset: String, arguments: [String], status: Int32, message: String) {
        self.name = name
        self.preset = preset
        self.arguments = arguments
        self.status = status
        self.message = message
    }
    var testDescription: String { name }
}

let hostileCases: [HostileCase] = [
    HostileCase("empty file", preset: "", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 1: the document is empty; expected a JSON object"),
    HostileCase("whitespace only", preset: "  \n\t ", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 2, column 3: the document is empty; expected a JSON object"),
    HostileCase("trailing comma", preset: "{\"ablsim\": 1,}", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 14: unexpected '}'; expected a key in double quotes"),
    HostileCase("unterminated string", preset: "{\"ablsim\": 1, \"name\": \"abc", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 27: unterminated string"),
    HostileCase("top-level array", preset: "[1, 2, 3]", arguments: [],
                status: 65, message: "ablsim: error: the preset is an array; expected a JSON object such as {\"ablsim\": 1, \"grid\": {...}, \"applicators\": [...]}"),
    HostileCase("top-level number", preset: "42", arguments: [],
                status: 65, message: "ablsim: error: the preset is a number; expected a JSON object such as {\"ablsim\": 1, \"grid\": {...}, \"applicators\": [...]}"),
    HostileCase("NaN literal", preset: "{\"ablsim\": NaN}", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 12: unexpected 'N'; expected a value (object, array, string, number, true, false or null)"),
    HostileCase("duplicate key", preset: "{\"ablsim\": 1, \"ablsim\": 1}", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 15: duplicate key \"ablsim\""),
    HostileCase("deep nesting", preset: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 258: nesting deeper than 256 levels"),
    HostileCase("number out of range", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1e999}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: [],
                status: 65, message: "ablsim: error: p.json is not valid JSON: line 1, column 76: number 1e999 is out of range"),
    HostileCase("missing version", preset: "{\"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: [],
                status: 65, message: "ablsim: error: ablsim: missing; expected an integer 1 (the preset format version)"),
    HostileCase("wrong version", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "ablsim=2"],
                status: 65, message: "ablsim: error: ablsim: got 2; expected 1 (the preset format version)"),
    HostileCase("version as string", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "ablsim=\"1\""],
                status: 65, message: "ablsim: error: ablsim: got a string; expected 1 (the preset format version)"),
    HostileCase("unknown top-level key", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "gird=1"],
                status: 65, message: "ablsim: error: gird: unknown key \"gird\"; did you mean \"grid\"?"),
    HostileCase("missing grid", preset: "{\"ablsim\": 1, \"name\": \"h\", \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: [],
                status: 65, message: "ablsim: error: grid: missing; expected an object {center_mm, size_mm, spacing_mm}"),
    HostileCase("zero spacing", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.spacing_mm=0"],
                status: 65, message: "ablsim: error: grid.spacing_mm: got 0; expected a number from 0.05 to 20 mm"),
    HostileCase("negative spacing", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.spacing_mm=-1"],
                status: 65, message: "ablsim: error: grid.spacing_mm: got -1; expected a number from 0.05 to 20 mm"),
    HostileCase("spacing as string", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.spacing_mm=\"1\""],
                status: 65, message: "ablsim: error: grid.spacing_mm: got a string; expected a number from 0.05 to 20 mm"),
    HostileCase("2-element size", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.size_mm=[16,16]"],
                status: 65, message: "ablsim: error: grid.size_mm: got an array of 2 elements; expected 3 numbers [x, y, z]"),
    HostileCase("4-element size", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.size_mm=[16,16,16,16]"],
                status: 65, message: "ablsim: error: grid.size_mm: got an array of 4 elements; expected 3 numbers [x, y, z]"),
    HostileCase("negative size", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.size_mm=[16,-16,16]"],
                status: 65, message: "ablsim: error: grid.size_mm.1: got -16; expected a number > 0 and <= 2000 mm"),
    HostileCase("huge size", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.size_mm=[1e300,16,16]"],
                status: 65, message: "ablsim: error: grid.size_mm.0: got 1e+300; expected a number > 0 and <= 2000 mm"),
    HostileCase("10^12 voxels", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.size_mm=[2000,2000,2000]", "--set", "grid.spacing_mm=0.2"],
                status: 65, message: "ablsim: error: grid: 10000 x 10000 x 10000 = 1e+12 voxels need about 7.94e+04 GiB; this machine has 23.5 GiB of memory (80 % usable). Expected a coarser grid.spacing_mm or a smaller grid.size_mm"),
    HostileCase("unknown boundary", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "boundary={\"type\":\"robin\"}"],
                status: 65, message: "ablsim: error: boundary.type: got \"robin\"; expected one of \"dirichlet\", \"adiabatic\""),
    HostileCase("boundary temperature", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "boundary={\"type\":\"dirichlet\",\"temperature_c\":1000}"],
                status: 65, message: "ablsim: error: boundary.temperature_c: got 1000; expected a number from -50 to 200 °C"),
    HostileCase("zero conductivity", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "materials={\"liver\":{\"conductivity_w_mk\":0}}"],
                status: 65, message: "ablsim: error: materials.liver.conductivity_w_mk: got 0; expected a number from 0.01 to 500 W/m/K"),
    HostileCase("negative perfusion", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "materials={\"liver\":{\"perfusion_per_s\":-0.1}}"],
                status: 65, message: "ablsim: error: materials.liver.perfusion_per_s: got -0.1; expected a number from 0 to 1 1/s"),
    HostileCase("linear as string", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "materials={\"liver\":{\"linear\":\"yes\"}}"],
                status: 65, message: "ablsim: error: materials.liver.linear: got a string; expected true or false"),
    HostileCase("unknown material key", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "materials={\"liver\":{\"densty_kg_m3\":1000}}"],
                status: 65, message: "ablsim: error: materials.liver.densty_kg_m3: unknown key \"densty_kg_m3\"; did you mean \"density_kg_m3\"?"),
    HostileCase("unknown background", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "background=lung"],
                status: 65, message: "ablsim: error: background: unknown material \"lung\"; expected one of \"blood\", \"liver\", \"tumor\" or a name defined under materials"),
    HostileCase("regions not array", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions={\"a\":1}"],
                status: 65, message: "ablsim: error: regions: got an object; expected an array"),
    HostileCase("region without material", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"shape\":{\"type\":\"sphere\",\"center_mm\":[0,0,0],\"radius_mm\":1}}]"],
                status: 65, message: "ablsim: error: regions.0.material: missing; expected a string"),
    HostileCase("unknown shape", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"material\":\"tumor\",\"shape\":{\"type\":\"cone\"}}]"],
                status: 65, message: "ablsim: error: regions.0.shape.type: got \"cone\"; expected one of \"sphere\", \"ellipsoid\", \"cylinder\", \"box\", \"label_map\""),
    HostileCase("zero radius", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators.0.shape.radius_mm=0"],
                status: 65, message: "ablsim: error: applicators.0.shape.radius_mm: got 0; expected a number > 0"),
    HostileCase("degenerate cylinder", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"material\":\"blood\",\"vessel\":true,\"shape\":{\"type\":\"cylinder\",\"start_mm\":[0,0,0],\"end_mm\":[0,0,0],\"radius_mm\":1}}]"],
                status: 65, message: "ablsim: error: regions.0.shape.end_mm: equals start_mm; expected a cylinder of non-zero length"),
    HostileCase("inverted box", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"material\":\"tumor\",\"shape\":{\"type\":\"box\",\"min_mm\":[1,1,1],\"max_mm\":[0,2,2]}}]"],
                status: 65, message: "ablsim: error: regions.0.shape.max_mm: must exceed min_mm on every axis"),
    HostileCase("skewed ellipsoid axes", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"material\":\"tumor\",\"shape\":{\"type\":\"ellipsoid\",\"center_mm\":[0,0,0],\"semi_axes_mm\":[2,2,2],\"axes\":[[1,0,0],[1,0,0],[0,0,1]]}}]"],
                status: 65, message: "ablsim: error: regions.0.shape.axes: axes 0 and 1 are not perpendicular; expected an orthonormal set"),
    HostileCase("region outside grid", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "regions=[{\"material\":\"tumor\",\"shape\":{\"type\":\"sphere\",\"center_mm\":[100,0,0],\"radius_mm\":2}}]"],
                status: 65, message: "ablsim: error: regions.0.shape: lies entirely outside the grid (x -8..8, y -8..8, z -8..8 mm); expected a shape that overlaps it"),
    HostileCase("no applicators", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[]"],
                status: 65, message: "ablsim: error: applicators: is empty; expected at least one applicator"),
    HostileCase("rfa multi-tine electrode", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"electrode\":\"multi_tine\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-3],\"entry_mm\":[0,0,30],\"control\":{\"mode\":\"impedance\",\"max_power_w\":50},\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.electrode: \"multi_tine\" electrodes are not available in this version of ablsim yet; expected \"cooled_tip\""),
    HostileCase("rfa temperature control", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-3],\"entry_mm\":[0,0,30],\"control\":{\"mode\":\"temperature\",\"target_c\":90,\"max_power_w\":50},\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.control.mode: \"temperature\" control is not available in this version of ablsim yet; expected \"constant_power\" or \"impedance\""),
    HostileCase("rfa without control", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-3],\"entry_mm\":[0,0,30],\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.control: missing; expected {\"mode\": \"constant_power\", \"power_w\": ...} or {\"mode\": \"impedance\", \"max_power_w\": ...}"),
    HostileCase("rfa zero power", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-3],\"entry_mm\":[0,0,30],\"control\":{\"mode\":\"impedance\",\"max_power_w\":0},\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.control.max_power_w: got 0; expected a number > 0 and <= 400 W"),
    HostileCase("rfa tip at the pad", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-7.8],\"entry_mm\":[0,0,30],\"control\":{\"mode\":\"impedance\",\"max_power_w\":50},\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.tip_mm: the active tip reaches the edge of the grid (x -8..8, y -8..8, z -8..8 mm); the outer boundary is the dispersive pad, so expected the active tip at least one voxel inside it"),
    HostileCase("rfa entry inside active tip", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"rfa\",\"active_length_mm\":6,\"diameter_mm\":1.5,\"tip_mm\":[0,0,-3],\"entry_mm\":[0,0,0],\"control\":{\"mode\":\"impedance\",\"max_power_w\":50},\"duration_s\":10}]"],
                status: 65, message: "ablsim: error: applicators.0.entry_mm: is closer to tip_mm than active_length_mm (6 mm); expected the insertion path to contain the active tip"),
    HostileCase("mwa without frequency", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"tip_mm\":[0,0,-2],\"entry_mm\":[0,0,30],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.frequency_mhz: missing; expected an integer 915 or 2450 (MHz)"),
    HostileCase("mwa at 1000 MHz", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":1000,\"tip_mm\":[0,0,-2],\"entry_mm\":[0,0,30],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.frequency_mhz: got 1000; expected 915 or 2450 (MHz)"),
    HostileCase("amica at 915 MHz", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":915,\"device\":\"amica\",\"tip_mm\":[0,0,-2],\"entry_mm\":[0,0,30],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.frequency_mhz: device \"amica\" runs at 2450 MHz, not 915"),
    HostileCase("unknown mwa device", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":2450,\"device\":\"acme\",\"tip_mm\":[0,0,-2],\"entry_mm\":[0,0,30],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.device: got \"acme\"; expected one of \"generic\", \"emprint\", \"amica\""),
    HostileCase("mwa tip outside grid", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":2450,\"tip_mm\":[0,0,-20],\"entry_mm\":[0,0,30],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.tip_mm: lies outside the grid (x -8..8, y -8..8, z -8..8 mm); expected the needle tip inside it"),
    HostileCase("mwa entry at tip", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators=[{\"type\":\"mwa\",\"frequency_mhz\":2450,\"tip_mm\":[0,0,-2],\"entry_mm\":[0,0,-2],\"schedule\":[{\"duration_s\":10,\"power_w\":20}]}]"],
                status: 65, message: "ablsim: error: applicators.0.entry_mm: is within 1 mm of tip_mm; expected an insertion point that gives the needle a direction"),
    HostileCase("source outside grid", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators.0.shape.center_mm=[7,0,0]"],
                status: 65, message: "ablsim: error: applicators.0.shape: extends outside the grid (x -8..8, y -8..8, z -8..8 mm); a heat source must lie inside it so that its full power is deposited"),
    HostileCase("negative power", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators.0.schedule.0.power_w=-5"],
                status: 65, message: "ablsim: error: applicators.0.schedule.0.power_w: got -5; expected a number from 0 to 10000 W"),
    HostileCase("zero duration", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators.0.schedule.0.duration_s=0"],
                status: 65, message: "ablsim: error: applicators.0.schedule.0.duration_s: got 0; expected a number > 0 and <= 86400 s"),
    HostileCase("dt above bound", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "time.dt_s=2"],
                status: 65, message: "ablsim: error: time.dt_s: got 2 s; expected at most 1.215 s, the stability bound of this grid and tissue (rho c / (sum of face conductances + perfusion)); omit dt_s to use it"),
    HostileCase("negative cooldown", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "time.cooldown_s=-1"],
                status: 65, message: "ablsim: error: time.cooldown_s: got -1; expected a number from 0 to 86400 s"),
    HostileCase("unknown damage model", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "damage.model=arrhenious"],
                status: 65, message: "ablsim: error: damage.model: got \"arrhenious\"; expected one of \"arrhenius\", \"cem43\", \"isotherm\" (did you mean \"arrhenius\"?)"),
    HostileCase("zero threshold", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "damage.threshold=0"],
                status: 65, message: "ablsim: error: damage.threshold: got 0; expected a number > 0"),
    HostileCase("margin too large", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "margin_mm=100"],
                status: 65, message: "ablsim: error: margin_mm: got 100; expected a number from 0 to 50 mm"),
    HostileCase("unknown output format", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "output={\"formats\":[\"jpeg\"]}"],
                status: 65, message: "ablsim: error: output.formats.0: got \"jpeg\"; expected one of \"nifti\", \"vti\", \"stl\", \"png\", \"csv\" (did you mean \"png\"?)"),
    HostileCase("name with slash", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "name=a/b"],
                status: 65, message: "ablsim: error: name: got \"a/b\"; expected 1-200 characters without '/' and not starting with '.' (it names the output folder)"),
    HostileCase("negative seed", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "seed=-1"],
                status: 65, message: "ablsim: error: seed: got -1; expected a number from 0 to 9007199254740991"),
    HostileCase("fractional seed", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "seed=1.5"],
                status: 65, message: "ablsim: error: seed: got 1.5; expected an integer"),
    HostileCase("malformed --set", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "nosuchthing"],
                status: 64, message: "ablsim: error: --set nosuchthing: expected path=value, e.g. applicators.0.schedule.0.power_w=80"),
    HostileCase("--set into a number", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "grid.spacing_mm.x=1"],
                status: 64, message: "ablsim: error: --set grid.spacing_mm.x=1: grid.spacing_mm is a number, so it has no member \"x\""),
    HostileCase("--set index out of range", preset: "{\"ablsim\": 1, \"name\": \"h\", \"grid\": {\"size_mm\": [16, 16, 16], \"spacing_mm\": 1}, \"applicators\": [{\"type\": \"heat_source\", \"shape\": {\"type\": \"sphere\", \"center_mm\": [0, 0, 0], \"radius_mm\": 2}, \"schedule\": [{\"duration_s\": 10, \"power_w\": 1}]}]}", arguments: ["--set", "applicators.5.type=x"],
                status: 64, message: "ablsim: error: --set applicators.5.type=x: applicators has 1 element; expected an index from 0 to 1 (1 appends)"),
]

@Test(arguments: hostileCases)
func hostilePresetIsRefusedExactly(_ c: HostileCase) throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try c.preset.write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", "p.json", "--out", "out", "--quiet"] + c.arguments, in: dir)
    #expect(r.status == c.status)
    #expect(r.stderr.trimmingCharacters(in: .newlines) == c.message)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["p.json"], "output left behind")
}

/// Inputs that are files rather than JSON: missing, truncated or absurd label maps, a missing
/// preset, and output folders that cannot be created.
@Test func hostileFilesAreRefusedExactly() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = """
        {"ablsim": 1, "name": "h", "grid": {"size_mm": [16, 16, 16], "spacing_mm": 1},
         "regions": [{"material": "tumor", "shape": {"type": "label_map", "path": "SEG", "label": 1}}],
         "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                          "schedule": [{"duration_s": 10, "power_w": 1}]}]}
        """
    let geometry = VolumeGeometry(nx: 8, ny: 8, nz: 8, spacingMM: [2, 2, 2], originMM: [-7, -7, -7])
    try NIfTIWriter.write(uint8: [UInt8](repeating: 1, count: 512), geometry: geometry, to: dir.appendingPathComponent("good.nii.gz"), gzip: true)
    let good = try Data(contentsOf: dir.appendingPathComponent("good.nii.gz"))
    try good.prefix(40).write(to: dir.appendingPathComponent("cut.nii.gz"))
    // A plain .nii whose header claims 32767^3 voxels.
    var absurd = try NIfTIWriter.data(uint8: [UInt8](repeating: 1, count: 512), geometry: geometry, gzip: false)
    for axis in 1...3 { absurd.replaceSubrange((40 + 2 * axis)..<(42 + 2 * axis), with: [0xFF, 0x7F]) }
    try absurd.write(to: dir.appendingPathComponent("absurd.nii"))
    try "not a nifti".write(to: dir.appendingPathComponent("text.nii"), atomically: true, encoding: .utf8)
    try "x".write(to: dir.appendingPathComponent("plainfile"), atomically: true, encoding: .utf8)
    let expected: [(String, [String], Int32, String)] = [
        ("missing.nii.gz", [], 66, "ablsim: error: regions.0.shape.path: label map \(dir.path)/missing.nii.gz does not exist"),
        ("cut.nii.gz", [], 65, "ablsim: error: regions.0.shape.path: cannot read label map \(dir.path)/cut.nii.gz: "),
        ("absurd.nii", [], 65, "ablsim: error: regions.0.shape.path: cannot read label map \(dir.path)/absurd.nii: "),
        ("text.nii", [], 65, "ablsim: error: regions.0.shape.path: cannot read label map \(dir.path)/text.nii: "),
        ("/dev/urandom", [], 65, "ablsim: error: regions.0.shape.path: /dev/urandom is not a regular file; expected a NIfTI label map (.nii or .nii.gz)"),
        (".", [], 65, "ablsim: error: regions.0.shape.path: \(dir.path) is not a regular file; expected a NIfTI label map (.nii or .nii.gz)"),
        ("good.nii.gz", ["--set", "regions.0.shape.label=4"], 65, "ablsim: error: regions.0.shape.label: label 4 does not occur in \(dir.path)/good.nii.gz; it holds labels 1"),
        ("good.nii.gz", ["--out", "plainfile/out"], 73, "ablsim: error: cannot create output folder \(dir.path)/plainfile: a file with that name exists and is not a folder"),
        ("good.nii.gz", ["--out", "/proc/ablsim-out"], 73, "ablsim: error: cannot create output folder /proc/ablsim-out: No such file or directory"),
    ]
    for (file, extra, status, prefix) in expected {
        try base.replacingOccurrences(of: "SEG", with: file).write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let r = try CLI.run(["run", "p.json", "--quiet", "--out", "out"] + extra, in: dir)
        #expect(r.status == status, "\(file) \(extra): \(r.stderr)")
        #expect(r.stderr.hasPrefix(prefix), "\(file) \(extra): \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "\(file): output left behind")
    }
    let missing = try CLI.run(["run", "nope.json", "--quiet"], in: dir)
    #expect(missing.status == 66)
    #expect(missing.stderr == "ablsim: error: preset file nope.json does not exist\n")
}
