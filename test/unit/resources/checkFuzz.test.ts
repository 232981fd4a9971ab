// Fuzzed check() (issue 14 §6): random and adversarial inputs to every resource's check. check never
// throws, every failure names a real input path and starts its reason with it, and the inputs it
// accepts render into node userdata and commands where the payloads stay data: YAML keeps its shape
// and no payload escapes its shell quoting (test/system/shellQuoteFuzz.test.ts runs the quoting
// through a real dash).
import fc from "fast-check";
import { gunzipSync } from "zlib";
import { parseAllDocuments } from "yaml";
import { anyValue, INJECTIONS, mutated, anyString } from "./fuzz/arbitraries";
import { isRealInputPath, TARGETS, type CheckResult, type FuzzTarget } from "./fuzz/targets";
import { planNodes } from "../../../provider/cluster/clusterState";
import { nodePrefix } from "../../../provider/cluster/names";
import { renderNodeUserData } from "../../../provider/kubernetes/userdata";
import { registryCredentialsCommand, renderRegistryHostsToml } from "../../../provider/kubernetes/registry";
import { renderKubeadmInitConfig } from "../../../provider/kubernetes/kubeadmConfig";
import { ClusterInputsSchema } from "../../../provider/resources/clusterInputs";

/** Fixed seed so CI replays the same cases; FUZZ_SEED / FUZZ_RUNS explore further locally. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const params = { seed: SEED, numRuns: RUNS };

async function checked(target: FuzzTarget, news: unknown): Promise<CheckResult> {
  let result: CheckResult;
  try {
    result = await target.check(news);
  } catch (err) {
    throw new Error(`${target.resource}.check threw on ${safeJson(news)}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  expect(result).toEqual(expect.objectContaining({ inputs: expect.any(Object) }));
  for (const f of result.failures ?? []) {
    if (typeof f.property !== "string" || !isRealInputPath(target, f.property)) {
      throw new Error(`${target.resource}.check failure does not name a real input (${JSON.stringify(f.property)}): ${f.reason}\ninput: ${safeJson(news)}`);
    }
    expect(f.reason.startsWith(f.property)).toBe(true);
  }
  return result;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x))?.slice(0, 400) ?? String(v);
  } catch {
    return String(v);
  }
}

describe.each(TARGETS.map((t) => [t.resource, t] as const))("fuzzed check: %s", (_name, target) => {
  it("accepts its valid input (so the properties below can fail)", async () => {
    const r = await checked(target, target.valid);
    expect(r.failures ?? []).toEqual([]);
  });

  it("never throws on arbitrary values, and each failure names a real input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyValue, fc.dictionary(anyString, anyValue, { maxKeys: 6 })), async (news) => {
        await checked(target, news);
      }),
      params,
    );
  });

  it("never throws on its valid input with fields replaced, dropped or added, and each failure names a real input", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(target.valid, target.inputKeys), async (news) => {
        await checked(target, news);
      }),
      params,
    );
  });

  it("refuses every wrong-typed value of a typed input, naming that input", async () => {
    const typed = target.inputKeys.filter((k) => k !== "name");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...typed), fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, 1e308, { a: 1 }, [1, 2], true), async (key, value) => {
        const r = await checked(target, { ...target.valid, [key]: value });
        // Some inputs take any JSON (maps of strings refuse a number only inside): then no verdict.
        if ((r.failures ?? []).length > 0) expect((r.failures ?? []).some((f) => f.property === key || f.property?.startsWith(`${key}.`) || f.property?.startsWith(`${key}[`))).toBe(true);
      }),
      params,
    );
  });
});

describe("fuzzed check: what KubernetesCluster accepts renders safely", () => {
  const cluster = TARGETS.find((t) => t.resource === "KubernetesCluster")!;
  const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl cks";

  /** Top-level keys and their kinds of every document in a cloud-config text: its shape. */
  function shape(text: string): string {
    const docs = parseAllDocuments(text, { version: "1.1" });
    return (Array.isArray(docs) ? docs : []).map((d) => {
      if (d.errors.length > 0) throw new Error(`userdata is not valid YAML: ${d.errors[0].message}`);
      const js = d.toJS() as Record<string, unknown> | null;
      return Object.entries(js ?? {}).map(([k, v]) => `${k}:${Array.isArray(v) ? `list${v.length}` : typeof v}`).join(",");
    }).join("|");
  }

  function cloudConfigParts(rendered: { userData: string; gzipped: boolean }): string[] {
    const raw = Buffer.from(rendered.userData, "base64");
    // Userdata over CloudStack's limit is gzip'd (cloud-init unzips it).
    const text = (rendered.gzipped ? gunzipSync(raw) : raw).toString("utf8");
    if (!text.startsWith("Content-Type: multipart")) return [text];
    const boundary = /boundary="([^"]+)"/.exec(text)![1];
    return text.split(`--${boundary}`).slice(1, -1).map((p) => p.slice(p.indexOf("\n\n") + 2));
  }

  function render(inputs: Record<string, unknown>) {
    const parsed = ClusterInputsSchema.parse(inputs);
    const prefix = nodePrefix(parsed.name, "0a1b2c3d-0000-4000-8000-000000000000");
    const registry = parsed.privateRegistry?.url ? { url: parsed.privateRegistry.url } : undefined;
    return planNodes(prefix, parsed).map((node) => {
      const userData = renderNodeUserData({ hostname: node.name, role: node.role, sshPublicKeys: [SSH_KEY], loginUser: "cloud", ...(registry ? { registry } : {}) });
      return { node, parts: cloudConfigParts(userData) };
    });
  }

  const benign = render(cluster.valid);
  const benignShape = benign.map((b) => b.parts.map(shape).join("||"));

  it("names, registry URLs and credentials full of payloads keep the userdata's YAML shape and every node name a DNS label", async () => {
    const inputs = fc.record({
      name: anyString,
      privateRegistry: fc.option(fc.record({ url: fc.oneof(anyString, fc.constantFrom("registry.example.com:5000", "https://r.example.com")), username: anyString, password: anyString }), { nil: undefined }),
      externalLoadBalancerIpAddress: fc.option(fc.oneof(anyString, fc.constantFrom("10.0.0.5", "fe80::1%eth0")), { nil: undefined }),
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(inputs, async (extra) => {
        const news: Record<string, unknown> = { ...cluster.valid, ...extra };
        if (extra.externalLoadBalancerIpAddress !== undefined) news.networkId = "net-1";
        for (const k of Object.keys(news)) if (news[k] === undefined) delete news[k];
        const r = await checked(cluster, news);
        if ((r.failures ?? []).length > 0) return;
        accepted++;
        const rendered = render(r.inputs!);
        rendered.forEach(({ node, parts }, i) => {
          expect(node.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          const hostname = (parseAllDocuments(parts[0], { version: "1.1" }) as unknown as { toJS(): { hostname?: string } }[])[0].toJS().hostname;
          expect(hostname).toBe(node.name);
          // With a registry the userdata gains its hosts.toml file: compare with a benign registry.
          if (!extra.privateRegistry?.url) expect(parts.map(shape).join("||")).toBe(benignShape[i]);
        });
        const reg = (r.inputs as { privateRegistry?: { url?: string; username?: string; password?: string } }).privateRegistry;
        if (reg?.url && reg.username && reg.password) {
          const cmd = registryCredentialsCommand({ url: reg.url, username: reg.username, password: reg.password });
          // The credentials travel on stdin, base64-encoded inside a TOML string; never in the shell line.
          // The shell line does not depend on the credentials at all.
          const other = registryCredentialsCommand({ url: reg.url, username: "u", password: "p" });
          expect(cmd.command).toBe(other.command);
          expect(cmd.display).toBe(other.display);
          expect(cmd.stdin).toContain(`Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString("base64")}`);
          const toml = renderRegistryHostsToml({ url: reg.url }, { withAuth: false });
          expect(toml.split("\n").filter((l) => l.trim() !== "")).toHaveLength(3);
        }
        const lb = (r.inputs as { externalLoadBalancerIpAddress?: string }).externalLoadBalancerIpAddress;
        const kubeadm = renderKubeadmInitConfig({ kubernetesVersion: "1.31.4", token: "abcdef.0123456789abcdef", tokenTtl: "24h0m0s", certificateKey: "0".repeat(64), nodeName: rendered[0].node.name, advertiseAddress: "10.1.1.10", publicIp: lb ?? "203.0.113.10", externalEtcdIps: [] });
        const docs = parseAllDocuments(kubeadm).map((d) => d.toJS() as Record<string, unknown>);
        expect(docs.map((d) => d.kind)).toEqual(["InitConfiguration", "ClusterConfiguration"]);
      }),
      params,
    );
    // The property must have exercised accepted inputs, not only refusals.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it("refuses an IPv6 zone in externalLoadBalancerIpAddress, which net.isIP accepts but the kubeadm config cannot carry (found by this fuzzing)", async () => {
    const r = await checked(cluster, { ...cluster.valid, networkId: "net-1", externalLoadBalancerIpAddress: "fe80::1%eth0" });
    expect(r.failures?.map((f) => f.property)).toEqual(["externalLoadBalancerIpAddress"]);
    const ok = await checked(cluster, { ...cluster.valid, networkId: "net-1", externalLoadBalancerIpAddress: "fe80::1" });
    expect(ok.failures).toEqual([]);
  });

  it("a payload in a name never reaches the node names: they are built from letters, digits and dashes", () => {
    for (const payload of INJECTIONS) {
      const prefix = nodePrefix(`prod${payload}`, "0a1b2c3d-0000-4000-8000-000000000000");
      expect(prefix).toMatch(/^[a-z0-9-]+$/);
    }
  });
});
