/// What a microwave zone prediction rests on, said in every run's warnings: which published data the
/// device profile was fitted to, how well, and what it was never checked against.
enum MicrowaveCalibrationNote {
    static func warning(device: String, frequencyMHz: Int, applicator n: Int) -> String {
        let prefix = "applicators.\(n) (mwa \(device), \(frequencyMHz) MHz): "
        // Every calibration target was measured after the ablated tissue had contracted.
        let contraction = "; the sizes it was fitted to were measured after the tissue contracted, so the tissue killed, "
            + "in the pre-ablation frame of the planning images, is larger by roughly 15-20 % across (docs/validation.md#tissue-contraction-not-modelled)"
        switch (device, frequencyMHz) {
        case ("emprint", _):
            return prefix + "profile calibrated on the Emprint manufacturer chart (45 and 100 W, 2.5-10 min) in living liver, "
                + "axes within 10 % of every chart row (with the living-tissue stasis dose fitted alongside); outside those settings and in other tissue it is an extrapolation (docs/validation.md#mwa-rows)" + contraction
        case ("amica", _):
            return prefix + "profile calibrated on the AMICA manufacturer chart (20 and 60 W, 3-15 min) in bench tissue, "
                + "axes within 12 % of every chart row and the clinical 60 W / 10 min zone within 25 %; other settings are extrapolations (docs/validation.md#mwa-rows)" + contraction
        case (_, 2450):
            return prefix + "generic profile fitted on three ex vivo literature zones (40-80 W, 10-25 min) of unnamed cooled antennas; "
                + "held out: Kuang 2007 in vivo porcine +20 / +15 % and clinical +17 / +36 % (1 mm); "
                + "expect errors of 25 % or more for a real device: prefer a named device profile (docs/validation.md#mwa-rows)" + contraction
        default:
            return prefix + "no published 915 MHz zones were available: this profile is uncalibrated and its zone sizes are not clinically meaningful"
        }
    }
}
