// A small stand-in for simulator/cloud: enough handlers to exercise every envelope and job path of the
// API front, plus the two seed accounts.
import { ApiError, type Caller, type Cloud, type CommandHandler, type SimClock } from "../../../simulator/contracts";

export const USER = { apiKey: "user-api-key", secretKey: "user-secret-key" };
export const ADMIN = { apiKey: "admin-api-key", secretKey: "admin-secret-key" };

const userCaller: Caller = { userId: "u-1", accountId: "acc-user", accountName: "k8s-user", domainId: "dom-1", isAdmin: false };
const adminCaller: Caller = { userId: "u-0", accountId: "acc-admin", accountName: "admin", domainId: "dom-1", isAdmin: true };

export interface FakeCloud extends Cloud {
  /** VMs the fake deployVirtualMachine created, in order (proves whether a job's work ran). */
  readonly deployed: string[];
  state: { zones: number };
  closed: boolean;
  restored: unknown[];
  /** deployVirtualMachine's job waits for this before finishing (tests hold it to observe "pending"). */
  deployGate: Promise<void>;
}

export function createFakeCloud(clock: SimClock, zones = 7): FakeCloud {
  const deployed: string[] = [];
  let vmCounter = 0;
  const handlers: Record<string, CommandHandler> = {
    listZones: () => ({
      kind: "list",
      entityKey: "zone",
      items: Array.from({ length: cloud.state.zones }, (_, i) => ({ id: `zone-${i + 1}`, name: `Zone ${i + 1}` })),
    }),
    listVirtualMachines: () => ({ kind: "list", entityKey: "virtualmachine", items: [] }),
    createNetwork: (params) => ({ kind: "object", entityKey: "network", entity: { id: "net-1", name: params.name } }),
    deleteSSHKeyPair: () => ({ kind: "success" }),
    registerSSHKeyPair: () => {
      throw new Error("database on fire");
    },
    updateVirtualMachine: (params) => ({
      kind: "object",
      entityKey: "virtualmachine",
      entity: { id: params.id, userdatalength: params.userdata?.length ?? 0 },
    }),
    deployVirtualMachine: (params) => {
      if (params.templateid === undefined) throw new ApiError(431, "Exactly one of templateid, volumeid, snapshotid is required");
      vmCounter++;
      const id = `00000000-0000-4000-8000-${String(vmCounter).padStart(12, "0")}`;
      return {
        kind: "async",
        work: {
          entityId: id,
          instanceType: "VirtualMachine",
          run: async () => {
            await clock.sleep(1000);
            await cloud.deployGate;
            deployed.push(id);
            return { kind: "object", entityKey: "virtualmachine", entity: { id, name: params.name, state: "Running" } };
          },
        },
      };
    },
    startVirtualMachine: () => ({
      kind: "async",
      work: {
        run: async () => {
          await clock.sleep(100);
          throw new ApiError(431, "VM is already running");
        },
      },
    }),
    stopVirtualMachine: () => ({
      kind: "async",
      work: {
        run: async () => {
          throw new TypeError("cannot read properties of undefined");
        },
      },
    }),
    deleteFirewallRule: () => ({ kind: "async", work: { run: async () => ({ kind: "success" }) } }),
    createFirewallRule: () => ({
      kind: "async",
      work: { entityId: "fw-1", run: async () => ({ kind: "object", entityKey: "firewallrule", entity: { id: "fw-1" } }) },
    }),
  };
  const cloud: FakeCloud = {
    handlers,
    deployed,
    state: { zones },
    closed: false,
    restored: [],
    deployGate: Promise.resolve(),
    credentials: (apiKey) =>
      apiKey === USER.apiKey
        ? { caller: userCaller, secretKey: USER.secretKey }
        : apiKey === ADMIN.apiKey
          ? { caller: adminCaller, secretKey: ADMIN.secretKey }
          : undefined,
    fabric: { resolve: () => null },
    snapshot: () => ({ zones: cloud.state.zones }),
    restore: async (snapshot) => {
      cloud.restored.push(snapshot);
      const zonesCount = (snapshot as { zones?: unknown }).zones;
      if (typeof zonesCount === "number") cloud.state.zones = zonesCount;
    },
    close: async () => {
      cloud.closed = true;
    },
  };
  return cloud;
}
