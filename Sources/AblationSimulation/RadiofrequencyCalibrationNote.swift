import AblationPreset

/// What an RF zone prediction with a named device rests on, said in every run's warnings: which
/// published rows the device family was checked against, how close, and which of them were fitted
/// (docs/validation.md#rf-device-calibration). `generic` electrodes keep the general RF warning.
enum RadiofrequencyCalibrationNote {
    static func warning(device: RadiofrequencyDevice, applicator n: Int) -> String? {
        let prefix = "applicators.\(n) (rfa \(device.rawValue)): "
        switch device {
        case .generic:
            return nil
        case .coolTip:
            return prefix + "checked against 10 published Cool-tip zones (Goldberg 1998 clusters on the bench at 15-45 min and in vivo, "
                + "Huang & Dodd 2012 single 3 cm electrodes in blood-perfused bovine liver, PME 2012 single electrode in vivo, a 2 cm "
                + "electrode ex vivo (2009), Denys 2003 cluster in vivo): every axis within 25 % at 1 mm, the worst the 45-min bench "
                + "cluster (-18 %); its roll-off threshold was fitted on 6 of them (the perfused bench condition's perfusion on Huang & "
                + "Dodd's 3, the living-tissue stasis dose on the in vivo rows), the in vivo single electrode (-9 / -4 %) was used by the "
                + "stasis-dose fit; held out: the 45-min bench cluster (-18 %), the 2 cm electrode (+13 / +13 %), Denys's in vivo "
                + "cluster (-5 / +6 %); bench clusters grow too little with time and zones respond to perfusion at 70 % of the published "
                + "rate (docs/validation.md#rf-device-calibration)"
        case .leveen:
            return prefix + "not fitted: checked against one published 4 cm array (Lubienski, bovine liver, held out): +21 / +1 % unperfused, "
                + "+43 / -1 % perfused; a 4 cm array in living pig liver (Denys 2003, held out): the volume +8 % but +27 / -35 % on the "
                + "axes (a disc where the published zone is a sphere); and the volumes of 3 and 5 cm arrays at the RF 3000's default "
                + "protocol (ex vivo, held out): -12 / +13 % (1 mm); multi-tine zones come out too wide, so read this zone's width as "
                + "an upper bound (docs/validation.md#multi-tine-arrays-in-living-pig-liver)"
        case .starburst:
            return prefix + "not fitted; checked against the volumes of 3 and 5 cm arrays at the 1500X's default protocol (ex vivo, held out): "
                + "+74 / +129 % (1 mm), because without a voltage limit the generator drives kilovolts into the dried tissue at the tine "
                + "ends (no published limit was found; with control.max_voltage_v the tine-end reading seldom reaches 105 °C and the "
                + "deployment stalls in an early step, which a warning then says), and a StarBurst XL in living pig liver (Denys 2003, "
                + "held out): +48 / -2 %, each deployed in the protocol's steps; read this zone as an "
                + "uncalibrated upper bound (docs/validation.md#multi-tine-arrays-at-their-default-protocols-four-system-comparison)"
        }
    }
}
