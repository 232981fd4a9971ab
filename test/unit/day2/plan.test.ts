import { planUpdate } from "../../../provider/cluster/operations";
import { day2UpdateNeeded } from "../../../provider/cluster/day2/plan";
import { assessDamage } from "../../../provider/cluster/day2/damage";
import { certificateWarning } from "../../../provider/cluster/day2/health";
import { certificatesDue } from "../../../provider/cluster/operations/renewCertificates";
import { stoppedClusterRules } from "../../../provider/resources/clusterStoppedRules";
import type { ClusterState, NodeRecord } from "../../../provider/cluster/clusterState";

const DAY = 24 * 3600_000;
const later = new Date(Date.now() + 300 * DAY).toISOString();
const soon = new Date(Date.now() + 5 * DAY).toISOString();
const running: ClusterState = { clusterId: "c", prefix: "p", state: "Running", kubeconfig: "k", hostKeys: {}, nodes: [], virtualMachineIds: [], certificatesExpireAt: later };
const inputs = { stopped: false, certificateRenewalDays: 30 };

describe("planUpdate with the day-2 operations", () => {
  it("stops only, and nothing more once stopped", () => {
    expect(planUpdate(["stopped"], running, { ...inputs, stopped: true })).toEqual(["stop"]);
    expect(planUpdate([], { ...running, state: "Stopped" }, { ...inputs, stopped: true })).toEqual([]);
    // A create that never finished is finished before the stop.
    expect(planUpdate(["stopped"], { ...running, state: "Error" }, { ...inputs, stopped: true })).toEqual(["create", "stop"]);
  });
  it("starts a Stopped cluster before anything else", () => {
    expect(planUpdate(["stopped", "size"], { ...running, state: "Stopped" }, inputs)).toEqual(["start", "scale"]);
  });
  it("repairs an Alert cluster (a size change included), unless an upgrade resumes", () => {
    expect(planUpdate([], { ...running, state: "Alert" }, inputs)).toEqual(["repair"]);
    expect(planUpdate(["size"], { ...running, state: "Alert" }, inputs)).toEqual(["repair"]);
    expect(planUpdate([], { ...running, state: "Alert", upgradeInProgress: { version: "1.33.5", versionId: "i", fromVersion: "1.32.9" } }, inputs)).toEqual(["upgrade"]);
  });
  it("renews certificates last when within the window", () => {
    expect(planUpdate([], { ...running, certificatesExpireAt: soon }, inputs)).toEqual(["renew-certificates"]);
    expect(planUpdate(["size"], { ...running, certificatesExpireAt: later }, { ...inputs, certificateRenewalDays: 400 })).toEqual(["scale", "renew-certificates"]);
    expect(planUpdate([], running, inputs)).toEqual([]);
  });
});

describe("diff asks for an update when nothing changed but the cluster needs it", () => {
  it("on Alert, on Stopped with stopped false, on Running with stopped true, on due certificates", () => {
    expect(day2UpdateNeeded({ state: "Alert" }, {})).toBe(true);
    expect(day2UpdateNeeded({ state: "Stopped" }, { stopped: false })).toBe(true);
    expect(day2UpdateNeeded({ state: "Stopped" }, { stopped: true })).toBe(false);
    expect(day2UpdateNeeded({ state: "Running" }, { stopped: true })).toBe(true);
    expect(day2UpdateNeeded({ state: "Running", certificatesExpireAt: soon }, {})).toBe(true);
    expect(day2UpdateNeeded({ state: "Running", certificatesExpireAt: later }, {})).toBe(false);
    expect(day2UpdateNeeded({ state: "Running", certificatesExpireAt: later }, { certificateRenewalDays: 400 })).toBe(true);
  });
});

describe("certificate windows", () => {
  it("counts days from now and warns within 30 days, or after expiry", () => {
    const now = Date.parse("2027-01-01T00:00:00Z");
    expect(certificatesDue("2027-01-31T00:00:00Z", 30, now)).toBe(true);
    expect(certificatesDue("2027-01-31T00:00:01Z", 30, now)).toBe(false);
    expect(certificatesDue(undefined, 30, now)).toBe(false);
    expect(certificateWarning("2027-02-15T00:00:00Z", now)).toBeUndefined();
    expect(certificateWarning("2026-12-01T00:00:00Z", now)).toBe("the control-plane certificates expired at 2026-12-01T00:00:00Z");
  });
});

function node(role: NodeRecord["role"], index: number): NodeRecord {
  return { name: `p-${role}-${index}`, role, index, sshPort: 2222 };
}

describe("assessDamage", () => {
  const ha = [node("control", 1), node("control", 2), node("control", 3), node("worker", 1)];
  it("re-creates lost workers only", () => {
    const d = assessDamage(ha, new Set(["p-control-1", "p-control-2", "p-control-3"]));
    expect(d.goneWorkers.map((n) => n.name)).toEqual(["p-worker-1"]);
    expect(d.unrepairable).toEqual([]);
    expect(d.message).toBeUndefined();
  });
  it("reports a lost control node, with quorum kept or lost", () => {
    const kept = assessDamage(ha, new Set(["p-control-1", "p-control-2", "p-worker-1"]));
    expect(kept.message).toMatch(/not repaired: p-control-3 .*etcd keeps its quorum \(2 of 3 members\)/);
    expect(kept.fatal).toBeUndefined();
    const lost = assessDamage(ha, new Set(["p-control-1", "p-worker-1"]));
    expect(lost.message).toMatch(/etcd has lost its quorum \(1 of 3 members, 2 needed\)/);
    const first = assessDamage(ha, new Set(["p-control-2", "p-control-3", "p-worker-1"]));
    expect(first.fatal).toMatch(/^p-control-1 is gone.*nothing was repaired/);
  });
  it("counts external etcd members for the quorum", () => {
    const d = assessDamage([node("control", 1), node("etcd", 1), node("etcd", 2), node("etcd", 3)], new Set(["p-control-1", "p-etcd-1"]));
    expect(d.message).toMatch(/lost etcd node .*lost its quorum \(1 of 3 members, 2 needed\)/);
  });
});

describe("check refuses size, version and offering changes on a stopped cluster", () => {
  it("names the inputs and the fix", () => {
    const olds = { stopped: true, size: 2, kubernetesVersionId: "v1", serviceOfferingId: "o1" };
    const f = stoppedClusterRules({ ...olds, size: 3, serviceOfferingId: "o2" }, olds);
    expect(f).toHaveLength(1);
    expect(f[0].reason).toMatch(/stopped \(stopped: true\), so size, serviceOfferingId cannot change.*Set stopped: false/);
    expect(stoppedClusterRules({ ...olds, stopped: false, size: 3 }, olds)).toEqual([]);
    expect(stoppedClusterRules({ ...olds, description: "x" }, olds)).toEqual([]);
    // Stopping and resizing in one update is refused too.
    expect(stoppedClusterRules({ ...olds, stopped: true, size: 3 }, { ...olds, stopped: false })).toHaveLength(1);
  });
});
