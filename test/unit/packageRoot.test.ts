// The package as users require it (after `npm run build`, which `npm test` runs first).
describe("require('pulumi-cloudstack-kubernetes')", () => {
  const root = require("pulumi-cloudstack-kubernetes");

  it("exports the resource classes, the raw providers, the client and the version rules", () => {
    for (const name of ["KubernetesSupportedVersion", "CniConfiguration", "KubernetesCluster", "CloudStackClient", "CloudStackError"]) {
      expect(typeof root[name]).toBe("function");
    }
    for (const p of ["kubernetesSupportedVersion", "cniConfiguration", "kubernetesCluster"]) {
      for (const method of ["check", "diff", "create", "read", "update", "delete"]) expect(typeof root.providers[p][method]).toBe("function");
    }
    expect(root.MIN_SUPPORTED_VERSION).toBe("1.22.0");
    expect(root.checkUpgrade("1.30.2", "1.32.0").ok).toBe(false);
  });

  it("builds a client from CLOUDSTACK_* variables, naming what is missing", () => {
    const saved = { ...process.env };
    try {
      delete process.env.CLOUDSTACK_API_URL;
      delete process.env.CLOUDSTACK_API_KEY;
      delete process.env.CLOUDSTACK_SECRET_KEY;
      expect(() => new root.CloudStackClient()).toThrow(/CLOUDSTACK_API_URL/);
      process.env.CLOUDSTACK_API_URL = "http://127.0.0.1:1/client/api";
      process.env.CLOUDSTACK_API_KEY = "k";
      process.env.CLOUDSTACK_SECRET_KEY = "s";
      expect(new root.CloudStackClient()).toBeInstanceOf(root.CloudStackClient);
    } finally {
      process.env = saved;
    }
  });

  it("exposes the simulator under pulumi-cloudstack-kubernetes/simulator", () => {
    expect(typeof require("pulumi-cloudstack-kubernetes/simulator").startSimulator).toBe("function");
  });
});
