// The simulated cloud-init's YAML is PyYAML's (yaml/resolver.py, yaml/constructor.py SafeConstructor).
// test/system/cloud-init-yaml.test.ts compares a larger corpus with the real loader.
import { loadYaml11, PyTimestamp } from "../../../simulator/node/cloudinit/yaml11";

describe("loadYaml11 (PyYAML SafeLoader semantics)", () => {
  it.each([
    ["0755", 493],
    ["0o755", "0o755"],
    ["08", "08"],
    ["0x1F", 31],
    ["0b101", 5],
    ["1_000", 1000],
    ["190:20:30", 685230],
    ["1e3", "1e3"],
    ["1.0e+3", 1000],
    ["on", true],
    ["Off", false],
    ["yes", true],
    ["y", "y"],
    ["n", "n"],
    ['"on"', "on"],
    ["'0755'", "0755"],
    ["~", null],
    ["", null],
    ["!!int '0755'", 493],
    ["!!str 0755", "0755"],
  ])("%s → %j", (text, expected) => {
    expect((loadYaml11(`v: ${text}\n`) as { v: unknown }).v).toEqual(expected);
  });

  it("makes timestamps dates, as PyYAML does", () => {
    const v = (loadYaml11("v: 2001-12-14t21:59:43.10-05:00\n") as { v: PyTimestamp }).v;
    expect(v).toBeInstanceOf(PyTimestamp);
    expect(v.isoformat()).toBe("2001-12-14T21:59:43.100000-05:00");
  });

  it("refuses what SafeLoader refuses and merges << keys", () => {
    expect(() => loadYaml11("v: =\n")).toThrow(/constructor/);
    expect(() => loadYaml11("? [a]\n: 1\n")).toThrow(/unhashable/);
    expect(loadYaml11("b: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n")).toEqual({ b: { x: 1, y: 2 }, d: { x: 1, y: 3 } });
    expect(loadYaml11("k: 1\nk: 2\n")).toEqual({ k: 2 });
  });
});
