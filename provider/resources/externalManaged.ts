// KubernetesCluster with clusterType "ExternalManaged" (CKS 4.19, cks-day2.md §5): a cluster managed
// elsewhere, recorded without provisioning anything: no VMs, no rules, no kubeadm. Where the cloud has
// the CKS plugin the record goes into it (cksRegistry.ts), so it shows in CloudStack's Kubernetes view.
// Also: `registerInCloudStack: true` on a CloudManaged cluster records the cluster this provider built.
// withClusterTypes() wraps the CloudManaged provider so kubernetesCluster.ts needs one hook line.
import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./common/checkInputs";
import { connectionShape, CONNECTION_KEYS, resolveConnection, type ResolvedConnection } from "./common/connection";
import { classify, type DiffPlan } from "./common/diff";
import { failure, zodFailures, type CheckFailure } from "./common/failures";
import { ResourceInitError } from "./common/initError";
import { jsonSafe } from "./common/jsonSafe";
import { createCloudApi, type CloudApi } from "../cluster/cloudApi";
import { findRegistered, hasCksPlugin, syncRegistration, unregister, type RegisteredVm } from "../cluster/cksRegistry";
import { describeCloudError } from "../cluster/cloudErrors";

export const VirtualMachineRoleSchema = z.object({ id: z.string().min(1), role: z.enum(["control", "worker"]).default("worker") }).strict();

export const ExternalManagedInputsSchema = z
  .object({
    ...connectionShape,
    clusterType: z.literal("ExternalManaged"),
    name: z.string({ error: "is required: the cluster name" }).min(1, "is required: the cluster name"),
    zoneId: z.string({ error: "is required: the cluster's zone" }).min(1),
    description: z.string().optional(),
    virtualMachines: z.array(VirtualMachineRoleSchema).default([]),
    kubeconfig: z.string().min(1).optional(),
    networkId: z.string().min(1).optional(),
    keypair: z.string().min(1).optional(),
    kubernetesVersionId: z.string().min(1).optional(),
    serviceOfferingId: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    domainId: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
  })
  .strict();
export type ExternalManagedInputs = z.infer<typeof ExternalManagedInputsSchema>;

/**
 * What CKS refuses on ExternalManaged clusters (KubernetesClusterManagerImpl.isCommandSupported: only
 * create, list, delete and add/removeVirtualMachines): scale, upgrade, stop and start. Each input that
 * would ask for one of them is refused by name.
 */
const REFUSED: Record<string, string> = {
  size: "scaling (scaleKubernetesCluster)",
  controlNodes: "scaling (scaleKubernetesCluster)",
  etcdNodes: "scaling (scaleKubernetesCluster)",
  maxClusterSize: "scaling (scaleKubernetesCluster)",
  nodeOfferings: "scaling (scaleKubernetesCluster)",
  kubernetesVersion: "upgrading (upgradeKubernetesCluster)",
  upgrade: "upgrading (upgradeKubernetesCluster)",
  stopped: "stopping and starting (stopKubernetesCluster, startKubernetesCluster)",
  running: "stopping and starting (stopKubernetesCluster, startKubernetesCluster)",
};
/** A change to these on an existing ExternalManaged cluster is an upgrade or a scale. */
const REFUSED_CHANGES: Record<string, string> = {
  kubernetesVersionId: "upgrading (upgradeKubernetesCluster)",
  serviceOfferingId: "scaling (scaleKubernetesCluster)",
};

export const EXTERNAL_DIFF_PLAN: DiffPlan = {
  replacing: ["name", "zoneId", "clusterType", "account", "domainId", "projectId"],
  inPlace: ["description", "virtualMachines", "kubeconfig", "networkId", "keypair", "kubernetesVersionId", "serviceOfferingId", ...CONNECTION_KEYS],
  optionalComputed: [...CONNECTION_KEYS],
  defaults: { virtualMachines: [] },
};

type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (v !== null && typeof v === "object" ? (v as Props) : {});

export function isExternalManaged(props: unknown): boolean {
  return asProps(props).clusterType === "ExternalManaged";
}

export function validateExternalManaged(raw: Props, olds: Props): { inputs?: ExternalManagedInputs; failures: CheckFailure[] } {
  const out: CheckFailure[] = [];
  const rest: Props = { ...raw };
  for (const [key, what] of Object.entries(REFUSED)) {
    if (rest[key] === undefined) continue;
    out.push(failure(key, `ExternalManaged clusters are managed elsewhere, and CKS refuses ${what} for them; remove ${key}, or use clusterType "CloudManaged"`));
    delete rest[key];
  }
  if (olds.clusterType === "ExternalManaged") {
    for (const [key, what] of Object.entries(REFUSED_CHANGES)) {
      if (rest[key] !== undefined && olds[key] !== undefined && rest[key] !== olds[key]) out.push(failure(key, `changing ${key} on an ExternalManaged cluster would be ${what}, which CKS refuses for ExternalManaged clusters`));
    }
  }
  delete rest.registerInCloudStack; // always in CloudStack when the plugin is there
  const parsed = ExternalManagedInputsSchema.safeParse(rest);
  if (!parsed.success) return { failures: [...out, ...zodFailures(parsed.error)] };
  const seen = new Set<string>();
  parsed.data.virtualMachines.forEach((vm, i) => {
    if (seen.has(vm.id)) out.push(failure(`virtualMachines[${i}]`, `VM ${vm.id} is listed twice`));
    seen.add(vm.id);
  });
  return { inputs: parsed.data, failures: out };
}

function connectionFor(...sources: Props[]): ResolvedConnection {
  const merged: Props = {};
  for (const source of [...sources].reverse()) for (const k of ["apiUrl", "apiKey", "secretKey", "insecure", "caBundle"]) if (source[k] !== undefined) merged[k] = source[k];
  return resolveConnection(merged);
}

function vmsOf(inputs: Pick<ExternalManagedInputs, "virtualMachines">): RegisteredVm[] {
  return inputs.virtualMachines.map((v) => ({ id: v.id, control: v.role === "control" }));
}

function outputs(inputs: ExternalManagedInputs, connection: ResolvedConnection, clusterId: string, cloudStackClusterId: string | undefined): Props {
  return jsonSafe({
    ...inputs,
    ...connection,
    clusterId,
    cloudStackClusterId,
    registeredInCloudStack: cloudStackClusterId !== undefined,
    state: "Running",
    // Whatever is known: the VMs as given, the kubeconfig as given; no endpoint (CKS stores none).
    nodes: inputs.virtualMachines.map((v, i) => ({ name: v.id, role: v.role, index: i + 1, virtualMachineId: v.id, sshPort: 0 })),
    virtualMachineIds: inputs.virtualMachines.map((v) => v.id),
    controlNodes: inputs.virtualMachines.filter((v) => v.role === "control").length,
    size: inputs.virtualMachines.filter((v) => v.role === "worker").length,
  });
}

async function register(api: CloudApi, inputs: ExternalManagedInputs, existing: string | undefined, previous: RegisteredVm[]): Promise<string | undefined> {
  if (!existing && !(await hasCksPlugin(api))) return undefined;
  return syncRegistration(
    api,
    { name: inputs.name, zoneId: inputs.zoneId, description: inputs.description, networkId: inputs.networkId, keypair: inputs.keypair, kubernetesVersionId: inputs.kubernetesVersionId, serviceOfferingId: inputs.serviceOfferingId },
    vmsOf(inputs),
    existing,
    inputs,
    previous,
  );
}

export function makeExternalManagedProvider(deps: { cloud?: (c: ResolvedConnection) => CloudApi } = {}): pulumi.dynamic.ResourceProvider {
  const cloud = deps.cloud ?? createCloudApi;
  const parse = (raw: unknown): ExternalManagedInputs => {
    const props = { ...asProps(raw) };
    delete props.__provider;
    delete props.registerInCloudStack;
    const r = ExternalManagedInputsSchema.safeParse(props);
    if (!r.success) throw new Error(`KubernetesCluster (ExternalManaged) inputs are invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return r.data;
  };
  return {
    async check(olds: unknown, news: unknown) {
      return checkWith(news, (clean) => validateExternalManaged(clean, asProps(olds)));
    },
    async diff(_id: string, olds: unknown, news: unknown) {
      const { changed, replaces } = classify(EXTERNAL_DIFF_PLAN, asProps(olds), asProps(news));
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(raw: unknown) {
      const inputs = parse(raw);
      const connection = connectionFor(asProps(raw));
      try {
        const cksId = await register(cloud(connection), inputs, undefined, []);
        const id = cksId ?? randomUUID();
        return { id, outs: outputs(inputs, connection, id, cksId) };
      } catch (err) {
        throw new Error(`KubernetesCluster ${inputs.name} (ExternalManaged): registering it in CloudStack failed: ${describeCloudError(err)}. Nothing was provisioned; fix the cause and run \`pulumi up\` again.`);
      }
    },
    async update(id: string, rawOlds: unknown, rawNews: unknown) {
      const olds = asProps(rawOlds);
      const inputs = parse(rawNews);
      const connection = connectionFor(asProps(rawNews), olds);
      const existing = typeof olds.cloudStackClusterId === "string" ? olds.cloudStackClusterId : undefined;
      const previous = Array.isArray(olds.virtualMachines) ? (olds.virtualMachines as { id: string; role?: string }[]).map((v) => ({ id: v.id, control: v.role === "control" })) : [];
      try {
        const cksId = await register(cloud(connection), inputs, existing, previous);
        return { outs: outputs(inputs, connection, String(olds.clusterId ?? id), cksId) };
      } catch (err) {
        throw new ResourceInitError(`KubernetesCluster ${inputs.name} (ExternalManaged): updating its CloudStack record failed: ${describeCloudError(err)}. Run \`pulumi up\` again.`, id, { ...olds });
      }
    },
    async read(id: string, rawProps?: unknown) {
      const props = asProps(rawProps);
      const cksId = typeof props.cloudStackClusterId === "string" ? props.cloudStackClusterId : undefined;
      if (!cksId) return { id, props };
      const found = await findRegistered(cloud(connectionFor(props)), cksId, props as { account?: string; domainId?: string; projectId?: string });
      if (!found) return { id: "", props: {} };
      return { id, props: jsonSafe({ ...props, state: found.state ?? props.state }) };
    },
    async delete(_id: string, rawProps: unknown) {
      const props = asProps(rawProps);
      await unregister(cloud(connectionFor(props)), typeof props.cloudStackClusterId === "string" ? props.cloudStackClusterId : undefined);
    },
  };
}

/**
 * The KubernetesCluster provider for both cluster types: ExternalManaged props go to the provider above;
 * CloudManaged ones to `managed`, and with `registerInCloudStack: true` the built cluster is recorded in
 * CloudStack after each create/update (its control and worker VMs; external nodes as workers) and the
 * record removed after its delete.
 */
export function withClusterTypes(managed: pulumi.dynamic.ResourceProvider, deps: { cloud?: (c: ResolvedConnection) => CloudApi } = {}): pulumi.dynamic.ResourceProvider {
  const external = makeExternalManagedProvider(deps);
  const cloud = deps.cloud ?? createCloudApi;
  const pick = (props: unknown): pulumi.dynamic.ResourceProvider => (isExternalManaged(props) ? external : managed);

  async function registered(outs: Props, olds: Props): Promise<Props> {
    const existing = typeof olds.cloudStackClusterId === "string" ? olds.cloudStackClusterId : undefined;
    if (outs.registerInCloudStack !== true) {
      if (existing) await unregister(cloud(connectionFor(outs)), existing);
      const { cloudStackClusterId: _drop, ...rest } = outs;
      void _drop;
      return { ...rest, registeredInCloudStack: false };
    }
    const api = cloud(connectionFor(outs));
    if (!existing && !(await hasCksPlugin(api))) return { ...outs, registeredInCloudStack: false };
    const nodes = Array.isArray(outs.nodes) ? (outs.nodes as { role?: string; virtualMachineId?: string }[]) : [];
    const vms = nodes.filter((n) => n.virtualMachineId && n.role !== "etcd").map((n) => ({ id: n.virtualMachineId as string, control: n.role === "control" }));
    const id = await syncRegistration(
      api,
      { name: String(outs.name), zoneId: String(outs.zoneId), description: outs.description as string | undefined, networkId: outs.networkId as string | undefined, keypair: outs.keypairName as string | undefined },
      vms,
      existing,
      outs as { account?: string; domainId?: string; projectId?: string },
    );
    return { ...outs, cloudStackClusterId: id, registeredInCloudStack: true };
  }

  return {
    check: (olds, news) => pick(news).check!(olds, news),
    diff: (id, olds, news) => {
      if (isExternalManaged(olds) !== isExternalManaged(news)) return Promise.resolve({ changes: true, replaces: ["clusterType"], deleteBeforeReplace: true });
      return pick(news).diff!(id, olds, news);
    },
    async create(inputs) {
      const r = await pick(inputs).create(inputs);
      if (isExternalManaged(inputs)) return r;
      return { id: r.id, outs: await registered(asProps(r.outs), {}) };
    },
    async update(id, olds, news) {
      const r = await pick(news).update!(id, olds, news);
      if (isExternalManaged(news)) return r;
      return { outs: await registered(asProps(r.outs), asProps(olds)) };
    },
    async read(id, props) {
      const r = await pick(props).read!(id, props);
      // The managed read rebuilds props from its own state: keep the registration's id.
      if (!isExternalManaged(props) && r.props && asProps(props).cloudStackClusterId !== undefined && r.id) return { ...r, props: { ...r.props, cloudStackClusterId: asProps(props).cloudStackClusterId } };
      return r;
    },
    async delete(id, props) {
      await pick(props).delete!(id, props);
      if (!isExternalManaged(props)) await unregister(cloud(connectionFor(asProps(props))), asProps(props).cloudStackClusterId as string | undefined);
    },
  };
}
