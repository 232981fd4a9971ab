// The CniConfiguration dynamic provider: registerCniConfiguration (CloudStack ≥ 4.21), or on clouds
// without it (432 "Unknown API command") registerUserData plus our tags. Any change replaces.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./common/checkInputs";
import { connectionShape, CONNECTION_KEYS, resolveConnection, type ResolvedConnection } from "./common/connection";
import { classify, type DiffPlan } from "./common/diff";
import { zodFailures } from "./common/failures";
import { jsonSafe } from "./common/jsonSafe";
import { createCloudApi, type CloudApi } from "../cluster/cloudApi";
import { describeCloudError, isNotFoundError, isUnknownCommandError } from "../cluster/cloudErrors";
import { parseEntity, parseList, UserDataSchema } from "../cluster/entities";
import { createTags, MANAGED_BY, TAG } from "../cluster/tags";
import { clustersUsing } from "./kubernetesSupportedVersion";
import { listAllOrGone } from "../cluster/listGone";

export const CniInputsSchema = z.object({
  ...connectionShape,
  name: z.string({ error: "is required" }).min(1),
  userData: z.string({ error: "is required: the #cloud-config with {{ VARIABLE }} placeholders" }).min(1),
  params: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "must be a variable name such as CLUSTER_CIDR")).default([]),
});
export type CniInputs = z.infer<typeof CniInputsSchema>;

export const CNI_DIFF_PLAN: DiffPlan = {
  replacing: ["name", "userData", "params"],
  inPlace: [...CONNECTION_KEYS],
  optionalComputed: [...CONNECTION_KEYS],
  defaults: { params: [] },
};

type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (v !== null && typeof v === "object" ? (v as Props) : {});
type ApiKind = "cniConfiguration" | "userData";

function connectionFor(...sources: Props[]): ResolvedConnection {
  const merged: Props = {};
  for (const source of [...sources].reverse()) for (const k of ["apiUrl", "apiKey", "secretKey", "insecure", "caBundle"]) if (source[k] !== undefined) merged[k] = source[k];
  return resolveConnection(merged);
}

const LIST = { cniConfiguration: ["listCniConfiguration", "cniconfig"], userData: ["listUserData", "userdata"] } as const;
const DELETE = { cniConfiguration: "deleteCniConfiguration", userData: "deleteUserData" } as const;

export function makeCniConfigurationProvider(deps: { cloud?: (c: ResolvedConnection) => CloudApi } = {}): pulumi.dynamic.ResourceProvider {
  const cloud = deps.cloud ?? createCloudApi;
  return {
    async check(_olds: unknown, news: unknown) {
      return checkWith(news, (clean) => {
        const r = CniInputsSchema.safeParse(clean);
        return r.success ? { inputs: r.data, failures: [] } : { failures: zodFailures(r.error) };
      });
    },

    async diff(_id: string, olds: unknown, news: unknown) {
      const { changed, replaces } = classify(CNI_DIFF_PLAN, asProps(olds), asProps(news));
      // Names are unique per account: the old one must go before its replacement can take the name.
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
    },

    async create(raw: unknown) {
      const props = { ...asProps(raw) };
      delete props.__provider;
      const parsed = CniInputsSchema.safeParse(props);
      if (!parsed.success) throw new Error(`CniConfiguration inputs are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const inputs = parsed.data;
      const connection = connectionFor(asProps(raw));
      const api = cloud(connection);
      const encoded = Buffer.from(inputs.userData, "utf8").toString("base64");
      const params = inputs.params.length > 0 ? inputs.params.join(",") : undefined;
      let apiKind: ApiKind = "cniConfiguration";
      let id: string;
      try {
        const r = await api.request("registerCniConfiguration", { name: inputs.name, cniconfig: encoded, params });
        id = parseEntity(UserDataSchema, r, "cniconfig", "registerCniConfiguration").id;
      } catch (err) {
        if (!isUnknownCommandError(err)) throw new Error(`CniConfiguration ${inputs.name}: registerCniConfiguration failed: ${describeCloudError(err)}`);
        // CloudStack before 4.21: a registered userdata holds the same template.
        apiKind = "userData";
        try {
          const r = await api.request("registerUserData", { name: inputs.name, userdata: encoded, params });
          id = parseEntity(UserDataSchema, r, "userdata", "registerUserData").id;
        } catch (err2) {
          throw new Error(`CniConfiguration ${inputs.name}: registerUserData failed: ${describeCloudError(err2)}`);
        }
        await createTags(api, "UserData", [id], { [TAG.managedBy]: MANAGED_BY, [TAG.kind]: "cni-configuration" }).catch(() => undefined);
      }
      return { id, outs: jsonSafe({ ...inputs, ...connection, name: inputs.name, params: inputs.params, apiKind }) };
    },

    async read(id: string, raw?: unknown) {
      const props = asProps(raw);
      if (Object.keys(props).length === 0) return { id, props };
      const api = cloud(connectionFor(props));
      const kind: ApiKind = props.apiKind === "userData" ? "userData" : "cniConfiguration";
      const [command, key] = LIST[kind];
      const found = parseList(UserDataSchema, await listAllOrGone(api, command, { id, listall: true }, key), command);
      if (found.length === 0) return { id: "", props: {} };
      return { id, props: jsonSafe({ ...props, name: found[0].name }) };
    },

    async update(_id: string, rawOlds: unknown, rawNews: unknown) {
      // Only connection inputs change in place.
      return { outs: jsonSafe({ ...asProps(rawOlds), ...asProps(rawNews), ...connectionFor(asProps(rawNews), asProps(rawOlds)) }) };
    },

    async delete(id: string, raw: unknown) {
      const props = asProps(raw);
      const api = cloud(connectionFor(props));
      const users = await clustersUsing(api, TAG.cniId, id);
      if (users.length > 0) {
        throw new Error(`CniConfiguration ${String(props.name ?? id)} is still used by Kubernetes cluster(s) ${users.join(", ")}; delete or replace those clusters first`);
      }
      const kind: ApiKind = props.apiKind === "userData" ? "userData" : "cniConfiguration";
      try {
        await api.request(DELETE[kind], { id });
      } catch (err) {
        if (!isNotFoundError(err)) throw new Error(`CniConfiguration ${String(props.name ?? id)}: ${DELETE[kind]} failed: ${describeCloudError(err)}`);
      }
    },
  };
}

export const provider = makeCniConfigurationProvider();
export const cniConfigurationProvider = provider;
