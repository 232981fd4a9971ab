// The provider's YAML for cloud-init must load back (with PyYAML's YAML 1.1 rules, as the simulator
// reads them) to exactly what the provider meant: strings PyYAML would read as bool/int/float/null/
// timestamp are quoted. test/system/cloud-init-yaml.test.ts checks the same against real PyYAML.
import { pythonStrOfPlain, pyyamlPlainType, stringifyForCloudInit } from "../../../provider/kubernetes/yaml11";
import { loadYaml11 } from "../../../simulator/node/cloudinit/yaml11";

const TRICKY = ["on", "On", "OFF", "yes", "no", "y", "n", "true", "0755", "0o755", "08", "1e3", "1.0e+3", "1.5", ".5", "=", "<<", "2001-01-01", "2001-12-14 21:59:43.10 -5", "1:20", "190:20:30.15", "~", "null", "NULL", "", "0x1F", "0b101", "1_000", ".inf", ".NaN", "x: y", "- a", "#c", "multi\nline\n", "trailing space ", "@at", "`tick", "!bang", "&amp", "*star", "%pct", "'q'", '"dq"'];

describe("stringifyForCloudInit", () => {
  it.each(TRICKY)("%j survives as a string", (s) => {
    const text = stringifyForCloudInit({ value: s, list: [s], [s === "" ? "empty" : `k${s}`]: s });
    expect(loadYaml11(text)).toEqual({ value: s, list: [s], [s === "" ? "empty" : `k${s}`]: s });
  });

  it("keeps booleans and numbers what they are", () => {
    expect(loadYaml11(stringifyForCloudInit({ a: true, b: false, c: 420 }))).toEqual({ a: true, b: false, c: 420 });
  });
});

describe("pyyamlPlainType / pythonStrOfPlain", () => {
  it("reads plain scalars as PyYAML's resolver does", () => {
    expect(["on", "y", "0755", "0o755", "08", "1e3", "1.0e+3", "~", "", "2001-01-01", "="].map(pyyamlPlainType)).toEqual([
      "bool",
      "str",
      "int",
      "str",
      "str",
      "str",
      "float",
      "null",
      "null",
      "timestamp",
      "unloadable",
    ]);
  });

  it("gives Python's str() of what cloud-init's shellify sees", () => {
    expect(["on", "off", "0755", "0x10", "1:20", "-0b11", "~", "echo"].map(pythonStrOfPlain)).toEqual(["True", "False", "493", "16", "80", "-3", "None", "echo"]);
    expect(pythonStrOfPlain("1.5")).toBeUndefined();
  });
});
