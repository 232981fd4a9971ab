// The shortest a create can possibly take against the simulator: the chain of simulated durations
// that no amount of parallelism removes (issue 14 §5: network and rules, one VM deploy and boot,
// `kubeadm init`, one join). Taken from the simulator's own latency constants, so the bench compares
// create time with what the simulated cloud makes unavoidable, not with a number typed in here.
// The bench may read simulator internals: it is a measuring tool, not part of the provider.
import { DURATIONS as CLOUD } from "../../simulator/cloud/netops";
import { BOOT_MS } from "../../simulator/node/runtime";
import { FINAL_STAGE_MS, INIT_STAGE_MS } from "../../simulator/node/cloudinit/runner";
import { DURATIONS as KUBE } from "../../simulator/node/kube/context";

export interface PathTerm {
  what: string;
  /** Simulated milliseconds. */
  ms: number;
}

/**
 * The serial chain of one create, in the pipeline's order (provider/cluster/createPipeline.ts):
 * - the public IP brings the isolated network up (virtual router + source NAT), then is allocated;
 * - one VM deploy (all VMs deploy at once when the bound allows);
 * - then two branches run side by side: the VM boots (boot, cloud-init init stage: SSH answers) while
 *   the ISO is attached and the rules are made (firewall ranges one after the other, port forwards at
 *   once, the load balancer, its assignment); the longer branch counts;
 * - cloud-init's final stage, which `cloud-init status --wait` waits for;
 * - `kubeadm init`, one worker join (all workers join at once), the node turning Ready after the CNI,
 *   and the ISO detach.
 * Tag jobs (500 ms each) and API round trips are left out: they are overhead the provider can shrink.
 */
export function criticalPath(): PathTerm[] {
  const rules = 2 * CLOUD.rule /* firewall: node SSH, then API */ + CLOUD.rule /* port forwards */ + CLOUD.rule /* LB */ + CLOUD.rule /* assign */;
  const boot = BOOT_MS + INIT_STAGE_MS;
  const attachAndRules = CLOUD.isoAttach + rules;
  return [
    { what: "network up + public IP", ms: CLOUD.networkImplement + CLOUD.ip },
    { what: "one VM deploy", ms: CLOUD.deploy },
    boot >= attachAndRules ? { what: "boot to SSH (ISO attach and rules run alongside)", ms: boot } : { what: "ISO attach + rules (boot runs alongside)", ms: attachAndRules },
    { what: "cloud-init final stage", ms: FINAL_STAGE_MS },
    { what: "kubeadm init", ms: KUBE.init },
    { what: "one worker join", ms: KUBE.workerJoin },
    { what: "node Ready after the CNI", ms: KUBE.nodeReadyAfterCni },
    { what: "ISO detach", ms: CLOUD.isoAttach },
  ];
}

/** The critical path in simulated seconds. */
export function criticalPathSeconds(terms: readonly PathTerm[] = criticalPath()): number {
  return terms.reduce((a, t) => a + t.ms, 0) / 1000;
}
