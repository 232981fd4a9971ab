// The KubernetesSupportedVersion dynamic provider: a binaries ISO registered with registerIso and
// described by tags (CKS keeps these facts in its own table; without the plugin, tags hold them).
import type * as pulumi from "@pulumi/pulumi";
import { SupportedVersionInputsSchema, SUPPORTED_VERSION_DIFF_PLAN, isoNameFor, validateSupportedVersionInputs, type SupportedVersionInputs } from "./supportedVersionInputs";
import { checkWith } from "./common/checkInputs";
import { zoneProblem } from "../cluster/zone";
import { resolveConnection, type ResolvedConnection } from "./common/connection";
import { classify } from "./common/diff";
import { ResourceInitError, withProvider } from "./common/initError";
import { jsonSafe } from "./common/jsonSafe";
import { createCloudApi, type CloudApi } from "../cluster/cloudApi";
import { describeCloudError, isNotFoundError } from "../cluster/cloudErrors";
import { Deadline } from "../cluster/deadline";
import { IsoSchema, parseEntity, parseList, type Iso } from "../cluster/entities";
import { Progress, type ProgressSink } from "../cluster/progress";
import { pollUntil, withRetry } from "../cluster/retry";
import { createTags, deleteTags, listTags, MANAGED_BY, TAG } from "../cluster/tags";
import { supportsHa } from "../kubernetes/versions";
import { listAllOrGone } from "../cluster/listGone";

export interface SupportedVersionDeps {
  cloud?: (connection: ResolvedConnection) => CloudApi;
  progressSink?: ProgressSink;
  /** How long create waits for the ISO to become Ready (default 60 minutes). */
  readyTimeoutMs?: number;
}

type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (v !== null && typeof v === "object" ? (v as Props) : {});

function parseInputs(raw: unknown): SupportedVersionInputs {
  const props = { ...asProps(raw) };
  delete props.__provider;
  const r = SupportedVersionInputsSchema.safeParse(props);
  if (!r.success) throw new Error(`KubernetesSupportedVersion inputs are invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

function connectionFor(...sources: Props[]): ResolvedConnection {
  const merged: Props = {};
  for (const source of [...sources].reverse()) for (const k of ["apiUrl", "apiKey", "secretKey", "insecure", "caBundle"]) if (source[k] !== undefined) merged[k] = source[k];
  return resolveConnection(merged);
}

export function versionTags(inputs: SupportedVersionInputs): Record<string, string> {
  return {
    [TAG.managedBy]: MANAGED_BY,
    [TAG.kind]: "supported-version",
    [TAG.semanticVersion]: inputs.semanticVersion,
    [TAG.state]: inputs.state,
    [TAG.minCpu]: String(inputs.minCpuNumber),
    [TAG.minMemory]: String(inputs.minMemory),
  };
}

async function listIso(api: CloudApi, id: string): Promise<Iso[]> {
  return parseList(IsoSchema, await listAllOrGone(api, "listIsos", { id, isofilter: "self" }, "iso"), "listIsos");
}

/** "Ready" when every zone's copy is ready; the failing status text when a download failed; else the status. */
export function isoStateOf(isos: readonly Iso[]): { ready: boolean; failed: boolean; text: string } {
  if (isos.length === 0) return { ready: false, failed: true, text: "not found" };
  if (isos.every((i) => i.isready === true)) return { ready: true, failed: false, text: "Ready" };
  const bad = isos.find((i) => i.isready !== true && /fail|error|mismatch|unreachable|abandon/i.test(i.status ?? ""));
  if (bad) return { ready: false, failed: true, text: bad.status ?? "failed" };
  return { ready: false, failed: false, text: isos.find((i) => i.isready !== true)?.status ?? "not ready" };
}

function outputs(inputs: SupportedVersionInputs, connection: ResolvedConnection, id: string, isoName: string, isoState: string): Props {
  return jsonSafe({
    ...inputs,
    ...connection,
    isoId: id,
    isoName,
    isoState,
    supportsHa: supportsHa(inputs.semanticVersion),
  });
}

/** Clusters using a version: their VMs carry the version-id tag and the cluster name. */
export async function clustersUsing(api: CloudApi, key: string, id: string): Promise<string[]> {
  const tagged = await listTags(api, { resourcetype: "UserVm", key, value: id });
  const vmIds = [...new Set(tagged.filter((t) => t.key === key && t.value === id && t.resourceid).map((t) => t.resourceid as string))];
  const names = new Set<string>();
  for (const vmId of vmIds) {
    const tags = await listTags(api, { resourcetype: "UserVm", resourceid: vmId, key: TAG.clusterName });
    names.add(tags.find((t) => t.key === TAG.clusterName)?.value ?? `(cluster of VM ${vmId})`);
  }
  return [...names].sort();
}

export function makeSupportedVersionProvider(deps: SupportedVersionDeps = {}): pulumi.dynamic.ResourceProvider {
  const cloud = deps.cloud ?? createCloudApi;

  async function waitReady(api: CloudApi, id: string, inputs: SupportedVersionInputs): Promise<string> {
    const progress = new Progress("supported-version", inputs.semanticVersion, deps.progressSink);
    const deadline = Deadline.in(deps.readyTimeoutMs ?? 60 * 60_000, `KubernetesSupportedVersion ${inputs.semanticVersion}`);
    let last = "";
    await pollUntil(
      async () => {
        const s = isoStateOf(await withRetry(() => listIso(api, id), { deadline, what: "reading the ISO" }));
        if (s.text !== last) progress.line("iso", `ISO ${s.text}`);
        last = s.text;
        if (s.failed) throw new Error(`the binaries ISO ${id} failed to register: ${s.text}. Check url and checksum`);
        return s.ready ? true : undefined;
      },
      { deadline, what: "waiting for the binaries ISO to be Ready", intervalMs: 250, describe: () => last },
    );
    return "Ready";
  }

  return {
    async check(_olds: unknown, news: unknown) {
      return checkWith(news, (clean) => validateSupportedVersionInputs(clean));
    },

    async diff(_id: string, olds: unknown, news: unknown) {
      const { changed, replaces } = classify(SUPPORTED_VERSION_DIFF_PLAN, asProps(olds), asProps(news));
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(raw: unknown) {
      const inputs = parseInputs(raw);
      const connection = connectionFor(asProps(raw));
      const api = cloud(connection);
      const name = isoNameFor(inputs);
      if (inputs.zoneId) {
        const zone = await zoneProblem(api, inputs.zoneId);
        if (zone) throw new Error(`KubernetesSupportedVersion ${inputs.semanticVersion}: ${zone}. Nothing was registered.`);
      }
      let iso: Iso;
      try {
        const registered = await api.request("registerIso", {
          name,
          displaytext: `Kubernetes ${inputs.semanticVersion} binaries`,
          url: inputs.url,
          zoneid: inputs.zoneId ?? "-1",
          checksum: inputs.checksum,
          bootable: false,
          ispublic: false,
        });
        iso = parseEntity(IsoSchema, registered, "iso", "registerIso");
      } catch (err) {
        throw new Error(`KubernetesSupportedVersion ${inputs.semanticVersion}: registerIso failed: ${describeCloudError(err)}`);
      }
      try {
        await createTags(api, "ISO", [iso.id], versionTags(inputs));
        const state = await waitReady(api, iso.id, inputs);
        return { id: iso.id, outs: outputs(inputs, connection, iso.id, name, state) };
      } catch (err) {
        const message = `KubernetesSupportedVersion ${inputs.semanticVersion}: ${err instanceof Error ? err.message : String(err)}`;
        throw new ResourceInitError(message, iso.id, withProvider(outputs(inputs, connection, iso.id, name, "NotReady"), asProps(raw)));
      }
    },

    async read(id: string, raw?: unknown) {
      const props = asProps(raw);
      if (Object.keys(props).length === 0) return { id, props };
      const api = cloud(connectionFor(props));
      const isos = await listIso(api, id);
      if (isos.length === 0) return { id: "", props: {} };
      const tags = Object.fromEntries((await listTags(api, { resourcetype: "ISO", resourceid: id })).map((t) => [t.key, t.value]));
      const next: Props = { ...props, isoState: isoStateOf(isos).text, isoName: isos[0].name };
      if (tags[TAG.state]) next.state = tags[TAG.state];
      if (tags[TAG.minCpu]) next.minCpuNumber = Number(tags[TAG.minCpu]);
      if (tags[TAG.minMemory]) next.minMemory = Number(tags[TAG.minMemory]);
      return { id, props: jsonSafe(next) };
    },

    async update(id: string, rawOlds: unknown, rawNews: unknown) {
      const olds = asProps(rawOlds);
      const inputs = parseInputs(rawNews);
      const connection = connectionFor(asProps(rawNews), olds);
      const api = cloud(connection);
      const wanted = versionTags(inputs);
      const current = Object.fromEntries((await listTags(api, { resourcetype: "ISO", resourceid: id })).map((t) => [t.key, t.value]));
      const stale = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== undefined && current[k] !== v).map(([k]) => [k, current[k]]));
      const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
      if (Object.keys(stale).length > 0) await deleteTags(api, "ISO", [id], stale);
      if (Object.keys(missing).length > 0) await createTags(api, "ISO", [id], missing);
      const isoName = typeof olds.isoName === "string" ? olds.isoName : isoNameFor(inputs);
      const state = olds.isoState === "Ready" ? "Ready" : await waitReady(api, id, inputs);
      return { outs: outputs(inputs, connection, id, isoName, state) };
    },

    async delete(id: string, raw: unknown) {
      const props = asProps(raw);
      const api = cloud(connectionFor(props));
      const users = await clustersUsing(api, TAG.versionId, id);
      if (users.length > 0) {
        throw new Error(`KubernetesSupportedVersion ${String(props.semanticVersion ?? id)} is still used by Kubernetes cluster(s) ${users.join(", ")}; delete or replace those clusters first`);
      }
      try {
        await api.request("deleteIso", { id });
      } catch (err) {
        if (!isNotFoundError(err)) throw new Error(`KubernetesSupportedVersion ${String(props.semanticVersion ?? id)}: deleteIso failed: ${describeCloudError(err)}`);
      }
    },
  };
}

export const provider = makeSupportedVersionProvider();
export const kubernetesSupportedVersionProvider = provider;
