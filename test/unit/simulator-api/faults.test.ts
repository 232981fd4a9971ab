import { FaultController, FaultSpecError, formatFaultSpec, parseFaultSpec, toFaultSpec } from "../../../simulator/faults";

describe("fault spec grammar", () => {
  test("parses every entry kind with options and defaults", () => {
    const spec = parseFaultSpec(
      "cmd=deployVirtualMachine:rate=0.3:code=530; job=createFirewallRule:rate=1:code=533:count=1, latency=2.5\nthrottle=20;deploy-capacity:rate=1:match=worker;boot-hang:match=node-2",
    );
    expect(spec.latency).toBe(2.5);
    expect(spec.throttle).toBe(20);
    expect(spec.rules).toEqual([
      { kind: "cmd", target: "deployVirtualMachine", rate: 0.3, code: 530 },
      { kind: "job", target: "createFirewallRule", rate: 1, code: 533, count: 1 },
      { kind: "fault", target: "deploy-capacity", rate: 1, code: 530, match: "worker" },
      { kind: "fault", target: "boot-hang", rate: 1, code: 530, match: "node-2" },
    ]);
  });

  test("the canonical form round-trips", () => {
    const spec = parseFaultSpec("throttle=3;ssh-drop:rate=0.2:count=4;cmd=*:code=431:match=list");
    expect(parseFaultSpec(formatFaultSpec(spec))).toEqual(spec);
  });

  test.each([
    ["explode", /unknown fault/],
    ["cmd=", /needs a command/],
    ["cmd=listZones:rate=2", /rate/],
    ["cmd=listZones:speed=1", /unknown option/],
    ["throttle=abc", /needs a number/],
    ["throttle=5:rate=1", /no options/],
    ["ssh-drop:match=", /match needs a value/],
    ["job=x:code=200", /code/],
  ])("rejects %j", (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(text)).toThrow(message);
  });

  test("JSON form, as an object or a JSON string; unknown fault names are refused", () => {
    const json = { throttle: 4, rules: [{ kind: "fault", target: "kubelet-fail", match: "node-1" }] };
    expect(toFaultSpec(json)).toEqual({ throttle: 4, rules: [{ kind: "fault", target: "kubelet-fail", match: "node-1", rate: 1, code: 530 }] });
    expect(toFaultSpec(JSON.stringify(json))).toEqual(toFaultSpec(json));
    expect(() => toFaultSpec({ rules: [{ kind: "fault", target: "meteor" }] })).toThrow(FaultSpecError);
    expect(() => toFaultSpec({ rules: [], extra: 1 })).toThrow(FaultSpecError);
    expect(toFaultSpec("")).toEqual({ rules: [] });
  });
});

function sequence(seed: number | string, spec: string, fault: string, subject: string, n: number): boolean[] {
  const c = new FaultController(seed, spec);
  return Array.from({ length: n }, () => c.hit(fault, subject));
}

describe("fault controller", () => {
  test("same seed → same sequence; different seed → different sequence", () => {
    const a = sequence(42, "ssh-drop:rate=0.5", "ssh-drop", "node-1", 64);
    const b = sequence(42, "ssh-drop:rate=0.5", "ssh-drop", "node-1", 64);
    const c = sequence(43, "ssh-drop:rate=0.5", "ssh-drop", "node-1", 64);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // rate 0.5 really draws both outcomes
    expect(a.filter(Boolean).length).toBeGreaterThan(10);
    expect(a.filter((x) => !x).length).toBeGreaterThan(10);
  });

  test("a subject's draws do not depend on other subjects' draws", () => {
    const alone = sequence(7, "ssh-drop:rate=0.5", "ssh-drop", "node-1", 20);
    const c = new FaultController(7, "ssh-drop:rate=0.5");
    const interleaved: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      c.hit("ssh-drop", "node-2");
      interleaved.push(c.hit("ssh-drop", "node-1"));
    }
    expect(interleaved).toEqual(alone);
  });

  test("rate 0 never fires, rate 1 always fires; match restricts the subject", () => {
    expect(sequence(1, "boot-hang:rate=0", "boot-hang", "n", 50).some(Boolean)).toBe(false);
    const c = new FaultController(1, "boot-hang:match=node-2");
    expect(c.hit("boot-hang", "cluster-node-2")).toBe(true);
    expect(c.hit("boot-hang", "cluster-node-3")).toBe(false);
    expect(c.hit("kubelet-fail", "cluster-node-2")).toBe(false);
  });

  test("count=N fires at most N times, then the operation resumes", () => {
    const c = new FaultController(1, "deploy-capacity:count=2;job=createFirewallRule:count=1:code=533");
    expect([1, 2, 3, 4].map(() => c.hit("deploy-capacity", "w-1"))).toEqual([true, true, false, false]);
    expect(c.jobFailure("createFirewallRule")).toEqual({ code: 533, errortext: expect.stringContaining("createFirewallRule") });
    expect(c.jobFailure("createFirewallRule")).toBeUndefined();
    expect(c.state().fired).toEqual([2, 1]);
  });

  test("cmd rules: by name or *, with code; set() restarts the sequence; clear() removes everything", () => {
    const c = new FaultController(9, "cmd=*:rate=1:code=534:match=list");
    expect(c.commandError("listZones")?.code).toBe(534);
    expect(c.commandError("deployVirtualMachine")).toBeUndefined();
    c.set("cmd=listZones:rate=0.5;latency=3;throttle=9");
    const first = Array.from({ length: 30 }, () => c.commandError("listZones") !== undefined);
    c.set("cmd=listZones:rate=0.5;latency=3;throttle=9");
    const again = Array.from({ length: 30 }, () => c.commandError("listZones") !== undefined);
    expect(again).toEqual(first);
    expect(c.latencyMultiplier()).toBe(3);
    expect(c.throttleLimit()).toBe(9);
    c.clear();
    expect(c.latencyMultiplier()).toBe(1);
    expect(c.throttleLimit()).toBeUndefined();
    expect(c.commandError("listZones")).toBeUndefined();
    expect(c.state().spec).toBe("");
  });
});
