/**
 * Unquoted YAML scalars, each with the text the real Pulumi CLI (v3.276.0, `pulumi config --json`)
 * hands a program for it as a top-level stack config value: the go-yaml v3 reading the offline
 * tools emulate (infra/config/yaml-values.ts). The fast suite checks the emulation against this
 * table (tests/infra/config/yaml-values.test.ts); the engine tier checks the table and the
 * emulation against the CLI on PATH (tests/engine/config.test.ts), so neither can drift from it.
 */
/** Plain scalar -> the text the CLI gives for it at the top level. */
export const SEEN_FROM_THE_CLI: [string, string][] = [
    ["012345678901", "12345678901"],
    ["0123", "83"],
    ["0o17", "15"],
    ["0x1F", "31"],
    ["-0x1F", "-31"],
    ["0b101", "5"],
    ["1e3", "1000"],
    ["1e+3", "1000"],
    ["1.50", "1.5"],
    ["1.0", "1"],
    ["-0", "0"],
    ["+7", "7"],
    ["007", "7"],
    ["08", "8"],
    ["-012", "-10"],
    ["1_000", "1000"],
    ["0_1", "1"],
    ["0777777777777", "68719476735"],
    ["99999999999999999999", "100000000000000000000"],
    ["100000000000000000000000", "1e+23"],
    ["0.0000001", "1e-7"],
    [".5", "0.5"],
    ["True", "true"],
    ["TRUE", "true"],
    ["yes", "yes"],
    ["on", "on"],
    ["NaN", "NaN"],
    ["12:30", "12:30"],
    ["null", ""],
    ["~", ""],
    ["2001-12-14", "2001-12-14 00:00:00 +0000 UTC"],
    ["2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.1 -0500 -0500"],
];
