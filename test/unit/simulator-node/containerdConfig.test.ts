import { defaultSandboxImage, readCriConfig } from "../../../simulator/node/tools/containerdConfig";
import { containerdDefaultConfig } from "../../../simulator/node/tools/containerdDefaults";

describe("the simulator's containerd config reader", () => {
  it("finds the CRI keys in both formats", () => {
    expect(readCriConfig(containerdDefaultConfig("1.7.24"), "1.7.24")).toEqual({ version: 2, sandboxImage: "registry.k8s.io/pause:3.8", systemdCgroup: false, registryConfigPath: "", criDisabled: false });
    expect(readCriConfig(containerdDefaultConfig("2.1.4"), "2.1.4")).toEqual({ version: 3, sandboxImage: "registry.k8s.io/pause:3.10", systemdCgroup: false, registryConfigPath: "", criDisabled: false });
  });

  it("uses each version's built-in sandbox image when the config names none", () => {
    expect(defaultSandboxImage("1.6.20")).toBe("registry.k8s.io/pause:3.6");
    expect(defaultSandboxImage("1.7.24")).toBe("registry.k8s.io/pause:3.8");
    expect(defaultSandboxImage("2.0.0")).toBe("registry.k8s.io/pause:3.10");
    expect(defaultSandboxImage("2.2.0")).toBe("registry.k8s.io/pause:3.10.1");
    expect(readCriConfig('#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = ["cri"]\n', "1.7.24")).toMatchObject({ version: 1, sandboxImage: "registry.k8s.io/pause:3.8", criDisabled: true });
  });

  it("2.x migrates a version 2 file; 1.x refuses version 3; 2.x refuses version 1", () => {
    expect(readCriConfig(containerdDefaultConfig("1.7.24").replace("pause:3.8", "pause:3.9"), "2.1.4").sandboxImage).toBe("registry.k8s.io/pause:3.9");
    expect(() => readCriConfig(containerdDefaultConfig("2.1.4"), "1.7.24")).toThrow("expected containerd config version equal to or less than `2`, got `3`");
    expect(() => readCriConfig("version = 1\n", "2.1.4")).toThrow(/removed/);
  });

  it("refuses a duplicated key or table, as go-toml does", () => {
    expect(() => readCriConfig("version = 2\n[a]\nx = 1\nx = 2\n", "1.7.24")).toThrow(/defined twice/);
    expect(() => readCriConfig("version = 2\n[a]\n[a]\n", "1.7.24")).toThrow(/duplicated tables/);
  });
});
