// Phase 1: the CKS rules that need the cloud (cks-behaviour.md §5.2). Runs before anything is created,
// so a bad offering, template, version or network fails the create without leaving anything behind.
import { offeringFor, rolesInUse, versionRules } from "../../resources/clusterInputs";
import { parseList, IsoSchema, NetworkSchema, ServiceOfferingSchema, SshKeyPairSchema, TemplateSchema, VmSchema, tagMap } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import { zoneProblem } from "../zone";
import { listTags, TAG } from "../tags";
import { loadCniConfiguration } from "./cniSource";
import { listAllOrGone } from "../listGone";
import { validateVpc, validateVpcTier } from "./vpc";
import { checkUserAffinityGroups } from "./affinity";

const MIN_CPU = 2;
const MIN_MEMORY = 2048;
const NETWORK_SERVICES = ["SourceNat", "Firewall", "PortForwarding", "UserData", "Dhcp"];

export async function validatePhase(ctx: ClusterContext): Promise<void> {
  const phase = "validate";
  const fail = (what: string): never => {
    throw new PhaseError(phase, undefined, what);
  };
  const { api, inputs } = ctx;

  // The zone first: every later lookup is scoped to it, and a wrong zone must say so, not surface as
  // "the ISO is not available in zone …".
  ctx.progress.line(phase, `checking zone ${inputs.zoneId}`);
  const zone = await zoneProblem(api, inputs.zoneId);
  if (zone) fail(zone);

  const { version, minCpu, minMemory } = await checkVersion(ctx, fail);
  const ruleFailures = versionRules(version, inputs.controlNodes);
  if (ruleFailures.length > 0) fail(ruleFailures.map((f) => f.reason).join("; "));
  ctx.facts.isoId = inputs.kubernetesVersionId;
  ctx.facts.kubernetesVersion = version;
  ctx.state.kubernetesVersion = version;
  ctx.state.isoId = inputs.kubernetesVersionId;
  ctx.facts.offerings = await checkOfferings(ctx, version, { minCpu, minMemory }, fail);

  // Templates: nodeTemplates[type], else templateId, else a CKS-ready template of the zone.
  const templateIds: Partial<Record<"control" | "worker" | "etcd", string>> = {};
  let fallback: string | undefined;
  for (const role of rolesInUse(inputs)) {
    let id = inputs.nodeTemplates?.[role] ?? inputs.templateId;
    if (!id) {
      if (!fallback) {
        const candidates = parseList(TemplateSchema, await api.listAll("listTemplates", { templatefilter: "executable", zoneid: inputs.zoneId, forcks: true }, "template"), "listTemplates");
        const ready = candidates.find((t) => t.isready !== false && !isSystemTemplate(t));
        if (!ready) fail(`templateId: no template given and no CKS-ready (forcks) template found in zone ${inputs.zoneId}; set templateId`);
        fallback = ready?.id;
      }
      id = fallback as string;
    } else {
      const property = inputs.nodeTemplates?.[role] ? `nodeTemplates.${role}` : "templateId";
      const found = parseList(TemplateSchema, await listAllOrGone(api, "listTemplates", { templatefilter: "executable", id }, "template"), "listTemplates");
      if (found.length === 0) fail(`${property}: template ${id} was not found`);
      if (found.every((t) => t.isready === false)) fail(`${property}: template ${found[0].name} is not Ready`);
      const system = found.find(isSystemTemplate);
      if (system) fail(systemTemplateMessage(property, system.name));
    }
    templateIds[role] = id;
  }
  ctx.facts.templateIds = { control: "", worker: "", etcd: "", ...templateIds } as Record<"control" | "worker" | "etcd", string>;

  // The operator's keypair must exist.
  if (inputs.keypair) {
    const kp = parseList(SshKeyPairSchema, await api.listAll("listSSHKeyPairs", scoped(inputs, { name: inputs.keypair }), "sshkeypair"), "listSSHKeyPairs");
    if (!kp.some((k) => k.name === inputs.keypair)) fail(`keypair: SSH keypair "${inputs.keypair}" was not found; register it first or remove keypair`);
  }

  // An existing network must suit a cluster and not belong to another one.
  if (inputs.networkId) await validateNetwork(ctx, fail);
  else {
    if (ctx.state.networkId === undefined) ctx.state.directAccess = false;
    if (inputs.vpcId) await validateVpc(ctx, fail);
  }
  await checkUserAffinityGroups(ctx, fail);

  if (inputs.cniConfigurationId) {
    ctx.facts.cni = await loadCniConfiguration(api, inputs.cniConfigurationId, inputs.cniConfigDetails ?? {}, inputs.asNumber);
  }
}

export interface VersionFacts {
  version: string;
  minCpu: number;
  minMemory: number;
}

/**
 * The version named by kubernetesVersionId: the ISO registered by KubernetesSupportedVersion, described
 * by its tags; it must be Enabled and its ISO Ready in the cluster's zone (create and upgrade alike).
 */
export async function checkVersion(ctx: ClusterContext, fail: (what: string) => never): Promise<VersionFacts> {
  const { api, inputs } = ctx;
  ctx.progress.line("validate", `checking Kubernetes version ${inputs.kubernetesVersionId}`);
  const isos = parseList(IsoSchema, await listAllOrGone(api, "listIsos", { id: inputs.kubernetesVersionId, isofilter: "executable" }, "iso"), "listIsos");
  if (isos.length === 0) fail(`kubernetesVersionId ${inputs.kubernetesVersionId} was not found (no such ISO visible to this account); create it with KubernetesSupportedVersion`);
  const isoTags = tagMap(await listTags(api, { resourcetype: "ISO", resourceid: inputs.kubernetesVersionId }));
  const semantic = isoTags[TAG.semanticVersion] ?? inputs.kubernetesVersion;
  if (!semantic) fail(`kubernetesVersionId ${inputs.kubernetesVersionId} is not a KubernetesSupportedVersion (no ${TAG.semanticVersion} tag); set kubernetesVersion or register it with KubernetesSupportedVersion`);
  const version = semantic as string;
  if (inputs.kubernetesVersion && isoTags[TAG.semanticVersion] && inputs.kubernetesVersion !== isoTags[TAG.semanticVersion]) {
    fail(`kubernetesVersion ${inputs.kubernetesVersion} does not match the version of kubernetesVersionId (${isoTags[TAG.semanticVersion]}); pass version.semanticVersion`);
  }
  if (isoTags[TAG.state] === "Disabled") fail(`Kubernetes version ${version} (${inputs.kubernetesVersionId}) is Disabled; enable it (state: "Enabled") or choose another version`);
  const inZone = isos.filter((i) => !i.zoneid || i.zoneid === inputs.zoneId);
  if (inZone.length === 0) fail(`the ISO of Kubernetes ${version} is not available in zone ${inputs.zoneId}`);
  if (!inZone.some((i) => i.isready)) fail(`the ISO of Kubernetes ${version} is not Ready in zone ${inputs.zoneId} (status: ${inZone[0]?.status ?? "unknown"})`);
  return { version, minCpu: Math.max(MIN_CPU, Number(isoTags[TAG.minCpu] ?? MIN_CPU)), minMemory: Math.max(MIN_MEMORY, Number(isoTags[TAG.minMemory] ?? MIN_MEMORY)) };
}

export type RoleOfferings = Record<"control" | "worker" | "etcd", { id: string; name: string; cpu: number; memory: number; speed: number }>;

/**
 * Every node role in use has an offering that is not custom and meets CKS's and the version's minimum
 * CPU and RAM. Per-role offerings are checked too (CKS's upgrade checks only the default one, #14148).
 */
export async function checkOfferings(ctx: ClusterContext, version: string, min: { minCpu: number; minMemory: number }, fail: (what: string) => never): Promise<RoleOfferings> {
  const { api, inputs } = ctx;
  const offerings: Partial<RoleOfferings> = {};
  for (const role of rolesInUse(inputs)) {
    const id = offeringFor(inputs, role) as string;
    const found = parseList(ServiceOfferingSchema, await listAllOrGone(api, "listServiceOfferings", { id }, "serviceoffering"), "listServiceOfferings");
    const property = inputs.nodeOfferings?.[role] ? `nodeOfferings.${role}` : "serviceOfferingId";
    if (found.length === 0) fail(`${property}: service offering ${id} was not found`);
    const o = found[0];
    if (o.iscustomized) fail(`${property}: service offering ${o.name} is a custom offering; CKS needs a fixed offering`);
    const cpu = o.cpunumber ?? 0;
    const memory = o.memory ?? 0;
    if (cpu < min.minCpu || memory < min.minMemory) {
      fail(`${property}: service offering ${o.name} (${cpu} vCPU, ${memory} MB) is too small for ${role} nodes of Kubernetes ${version}: at least ${min.minCpu} vCPU and ${min.minMemory} MB are needed`);
    }
    offerings[role] = { id, name: o.name, cpu, memory, speed: o.cpuspeed ?? 0 };
  }
  return offerings as RoleOfferings;
}

async function validateNetwork(ctx: ClusterContext, fail: (what: string) => never): Promise<void> {
  const { api, inputs } = ctx;
  const networks = parseList(NetworkSchema, await listAllOrGone(api, "listNetworks", scoped(inputs, { id: inputs.networkId }), "network"), "listNetworks");
  if (networks.length === 0) fail(`networkId: network ${inputs.networkId} was not found`);
  const network = networks[0];
  const type = (network.type ?? "Isolated").toLowerCase();
  ctx.facts.networkType = network.type;
  if (type === "shared") {
    if (inputs.controlNodes > 1 && !inputs.externalLoadBalancerIpAddress) {
      fail(`networkId: ${inputs.controlNodes} control nodes on the Shared network ${network.name} need externalLoadBalancerIpAddress (a load balancer forwarding 6443 to the control nodes)`);
    }
    ctx.state.directAccess = true;
  } else if (network.vpcid) {
    if (inputs.externalLoadBalancerIpAddress) fail(`externalLoadBalancerIpAddress needs a Shared network, but ${network.name} is a VPC tier`);
    await validateVpcTier(ctx, network, fail);
    ctx.state.directAccess = false;
  } else {
    if (inputs.vpcId) fail(`networkId: network ${network.name} is not a tier of VPC ${inputs.vpcId}; remove vpcId, or give a tier of that VPC`);
    if (inputs.externalLoadBalancerIpAddress) fail(`externalLoadBalancerIpAddress needs a Shared network, but ${network.name} is ${network.type ?? "Isolated"}`);
    const services = new Set(network.service.map((s) => s.name));
    const missing = NETWORK_SERVICES.filter((s) => !services.has(s));
    if (network.service.length > 0 && missing.length > 0) fail(`networkId: network ${network.name} lacks the services ${missing.join(", ")} a cluster needs`);
    ctx.state.directAccess = false;
  }
  const vms = parseList(VmSchema, await api.listAll("listVirtualMachines", scoped(inputs, { networkid: network.id }), "virtualmachine"), "listVirtualMachines");
  for (const vm of vms) {
    const owner = tagMap(vm.tags)[TAG.clusterId];
    if (owner && owner !== ctx.clusterId && type !== "shared") {
      fail(`networkId: network ${network.name} is already used by Kubernetes cluster ${tagMap(vm.tags)[TAG.clusterName] ?? owner}; use another network or let the cluster create one`);
    }
  }
  ctx.state.networkId = network.id;
  ctx.state.networkCreated = false;
}

/** Adds account/domain/project scoping when given (so resources land in, and are found in, that owner). */
export function scoped(inputs: { account?: string; domainId?: string; projectId?: string }, params: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = { ...params };
  if (inputs.projectId) out.projectid = inputs.projectId;
  else if (inputs.account) {
    out.account = inputs.account;
    out.domainid = inputs.domainId;
  } else if (inputs.domainId) out.domainid = inputs.domainId;
  return out;
}

/**
 * CKS's default node template is the SystemVM template, deployed with CloudStack's internal CKS node VM
 * type. deployVirtualMachine refuses a SYSTEM template for any other VM ("Unable to use system template
 * ... to deploy a user vm": apache/cloudstack server/src/main/java/com/cloud/vm/UserVmManagerImpl.java,
 * verifyTemplateAndSourceAvailability), and the plain API cannot ask for that VM type.
 */
function isSystemTemplate(t: { templatetype?: string }): boolean {
  return t.templatetype?.toUpperCase() === "SYSTEM";
}

function systemTemplateMessage(property: string, name: string): string {
  return (
    `${property}: template ${name} is a SYSTEM template (the SystemVM template CKS uses by default). CloudStack deploys it only as ` +
    "its internal CKS node VM type, which the plain API this provider uses cannot request (deployVirtualMachine answers " +
    '"Unable to use system template ... to deploy a user vm"). Register a USER template with cloud-init, containerd.io and ' +
    "conntrack (a CKS-ready template) and set " + property
  );
}
