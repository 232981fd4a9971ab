// The provider text stored in state keeps working after the package changes: a stack created with one
// implementation is deleted, by a later host, with the OLD stored text, and it is today's installed
// implementation that runs. Shown with a stand-in package installed in a temporary project, swapped
// between the runs the way `npm install` of a newer release would.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { serializeProvider, startDynHost, type DynHost } from "../helpers/dynhost";

const sdk = require("pulumi-cloudstack-kubernetes") as Record<string, object>;
const OLD_CLUSTER_PROVIDER = fs.readFileSync(path.join(__dirname, "fixtures", "kubernetesCluster-provider-0.0.1.txt"), "utf8");

let project: string;
let hosts: DynHost[] = [];

function installRelease(release: string): void {
  const pkg = path.join(project, "node_modules", "pulumi-cloudstack-kubernetes");
  fs.mkdirSync(path.join(pkg, "provider", "resources"), { recursive: true });
  fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pulumi-cloudstack-kubernetes", version: release, exports: { "./provider/*": "./provider/*.js" } }));
  const impl = `const fs = require("fs");
exports.provider = {
  async check(olds, news) { return { inputs: news, failures: [] }; },
  async diff() { return { changes: false }; },
  async create(inputs) { return { id: "res-1", outs: { marker: inputs.marker, createdBy: ${JSON.stringify(release)} } }; },
  async read(id, props) { return { id, props }; },
  async update(id, olds, news) { return { outs: news }; },
  async delete(id, props) { fs.writeFileSync(props.marker, "deleted " + id + " by " + ${JSON.stringify(release)}); },
};
`;
  for (const name of ["cniConfiguration", "kubernetesCluster"]) fs.writeFileSync(path.join(pkg, "provider", "resources", `${name}.js`), impl);
}

async function newHost(): Promise<DynHost> {
  const host = await startDynHost({ cwd: project });
  hosts.push(host);
  return host;
}

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "cks-code-change-"));
});

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
  fs.rmSync(project, { recursive: true, force: true });
});

describe("delete with the provider text stored in state", () => {
  it("runs the implementation installed now, not the one that created the resource", async () => {
    const text = await serializeProvider(sdk.cniConfigurationShim!);
    const urn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/cloudstack-kubernetes:CniConfiguration::c";
    const marker = path.join(project, "deleted.txt");

    installRelease("1.0.0");
    const first = await newHost();
    const { inputs } = await first.check(urn, {}, { marker, __provider: text });
    const created = await first.create(urn, inputs);
    expect(created.outs).toMatchObject({ createdBy: "1.0.0", __provider: text });
    await first.close();

    installRelease("2.0.0");
    const second = await newHost();
    await second.delete(urn, created.id, created.outs);
    expect(fs.readFileSync(marker, "utf8")).toBe("deleted res-1 by 2.0.0");
  });

  it("also for the text an earlier release of the SDK stored (fixture)", async () => {
    installRelease("2.0.0");
    const host = await newHost();
    const marker = path.join(project, "deleted-old.txt");
    await host.delete("urn:pulumi:dev::p::pulumi-nodejs:dynamic/cloudstack-kubernetes:KubernetesCluster::k", "old-1", { marker, __provider: OLD_CLUSTER_PROVIDER });
    expect(fs.readFileSync(marker, "utf8")).toBe("deleted old-1 by 2.0.0");
  });

  it("fails with the host's module error when the package is not installed in the project", async () => {
    const text = await serializeProvider(sdk.cniConfigurationShim!);
    const host = await newHost();
    await expect(host.delete("urn:pulumi:dev::p::pulumi-nodejs:dynamic/cloudstack-kubernetes:CniConfiguration::c", "x", { __provider: text })).rejects.toThrow(
      /Cannot find module 'pulumi-cloudstack-kubernetes\/provider\/resources\/cniConfiguration'/,
    );
  });
});
