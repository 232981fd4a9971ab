import { parseCliArgs, UsageError } from "../../../simulator/api/cliArgs";

describe("cloudstack-sim flags", () => {
  test("every flag, in both --flag value and --flag=value forms", () => {
    const parsed = parseCliArgs([
      "--port",
      "0",
      "--host=127.0.0.2",
      "--time-scale",
      "0.05",
      "--seed",
      "seed.yaml",
      "--faults",
      "ssh-drop:rate=0.2",
      "--state-file",
      "state.json",
      "--audit-file=audit.jsonl",
      "--random-seed",
      "17",
      "--strict",
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        port: 0,
        host: "127.0.0.2",
        timeScale: 0.05,
        seed: "seed.yaml",
        faults: "ssh-drop:rate=0.2",
        stateFile: "state.json",
        auditFile: "audit.jsonl",
        randomSeed: 17,
        strict: true,
      },
    });
    expect(parseCliArgs(["--no-strict"])).toEqual({ help: false, options: { strict: false } });
    expect(parseCliArgs([])).toEqual({ help: false, options: {} });
    expect(parseCliArgs(["--help"])).toEqual({ help: true });
  });

  test.each([[["--bogus"]], [["--port"]], [["--port", "http"]], [["--port", "70000"]], [["--time-scale", "-1"]]])("rejects %j", (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
  });
});
