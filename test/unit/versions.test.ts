import {
  HA_MIN_VERSION,
  MIN_SUPPORTED_VERSION,
  assertSupportedVersion,
  assertUpgrade,
  checkUpgrade,
  kubeadmApiVersion,
  parseVersion,
  supportsHa,
} from "../../provider/kubernetes/versions";

describe("parseVersion", () => {
  it("accepts strict MAJOR.MINOR.PATCH", () => {
    const v = parseVersion("1.31.4");
    expect([v.major, v.minor, v.patch]).toEqual([1, 31, 4]);
  });

  it.each(["v1.31.4", "v1.31", "1.31", "latest", "", "1.31.4-rc.1", "1.31.4+build", " 1.31.4", "01.31.4", "1.31.x"])(
    "rejects %p naming the value and the expected form",
    (bad) => {
      expect(() => parseVersion(bad)).toThrow(`Invalid Kubernetes version "${bad}": expected MAJOR.MINOR.PATCH`);
    },
  );
});

describe("version floors", () => {
  it("exposes the documented constants", () => {
    expect(MIN_SUPPORTED_VERSION).toBe("1.22.0");
    expect(HA_MIN_VERSION).toBe("1.16.0");
  });

  it("supportsHa from 1.16.0", () => {
    expect(supportsHa("1.15.12")).toBe(false);
    expect(supportsHa("1.16.0")).toBe(true);
    expect(supportsHa("1.31.4")).toBe(true);
  });

  it("assertSupportedVersion refuses versions below 1.22.0", () => {
    expect(() => assertSupportedVersion("1.21.14")).toThrow(/minimum is 1\.22\.0/);
    expect(() => assertSupportedVersion("1.22.0")).not.toThrow();
  });

  it("kubeadmApiVersion is v1beta3 below 1.31 and v1beta4 from 1.31", () => {
    expect(kubeadmApiVersion("1.22.0")).toBe("v1beta3");
    expect(kubeadmApiVersion("1.30.14")).toBe("v1beta3");
    expect(kubeadmApiVersion("1.31.0")).toBe("v1beta4");
    expect(kubeadmApiVersion("1.33.2")).toBe("v1beta4");
    expect(() => kubeadmApiVersion("1.31")).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe("checkUpgrade", () => {
  it("same version is a no-op", () => {
    expect(checkUpgrade("1.30.2", "1.30.2")).toEqual({ ok: true, kind: "none" });
  });

  it("newer patch of the same minor", () => {
    expect(checkUpgrade("1.30.2", "1.30.9")).toEqual({ ok: true, kind: "patch" });
  });

  it("next minor, any patch", () => {
    expect(checkUpgrade("1.30.2", "1.31.0")).toEqual({ ok: true, kind: "minor" });
    expect(checkUpgrade("1.30.9", "1.31.4")).toEqual({ ok: true, kind: "minor" });
  });

  it("skipping a minor names the next step", () => {
    expect(checkUpgrade("1.29.3", "1.31.0")).toEqual({
      ok: false,
      reason: "1.29.3 → 1.31.0 skips a minor: upgrade to 1.30.x first",
    });
  });

  it("refuses downgrades, of patch and of minor", () => {
    const patchDown = checkUpgrade("1.30.5", "1.30.4");
    expect(patchDown.ok).toBe(false);
    expect(!patchDown.ok && patchDown.reason).toMatch(/^1\.30\.5 → 1\.30\.4 is a downgrade/);
    const minorDown = checkUpgrade("1.31.0", "1.30.9");
    expect(!minorDown.ok && minorDown.reason).toMatch(/downgrade/);
  });

  it("refuses a major change in either direction", () => {
    for (const [from, to] of [["1.31.0", "2.0.0"], ["2.0.0", "1.31.0"], ["1.31.0", "2.31.0"]] as const) {
      const result = checkUpgrade(from, to);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/major/);
    }
  });

  it("refuses malformed versions on either side", () => {
    expect(() => checkUpgrade("1.30", "1.31.0")).toThrow(/"1\.30"/);
    expect(() => checkUpgrade("1.30.0", "latest")).toThrow(/"latest"/);
  });
});

describe("assertUpgrade", () => {
  it("returns the kind when allowed", () => {
    expect(assertUpgrade("1.30.1", "1.30.2")).toBe("patch");
    expect(assertUpgrade("1.30.1", "1.31.2")).toBe("minor");
    expect(assertUpgrade("1.30.1", "1.30.1")).toBe("none");
  });

  it("throws the reason when not allowed", () => {
    expect(() => assertUpgrade("1.29.3", "1.31.0")).toThrow("1.29.3 → 1.31.0 skips a minor: upgrade to 1.30.x first");
  });
});
