// A small in-memory CloudStack for unit tests of the orchestration: just the commands and filters the
// phases use, with a call log. Not a simulator: no HTTP, no jobs, no nodes.
import { randomUUID } from "crypto";
import type { CloudApi, CloudParams } from "../../../provider/cluster/cloudApi";

type Entity = Record<string, any>;

export class FakeCloudError extends Error {
  constructor(public readonly command: string, public readonly errorcode: number, public readonly errortext: string, public readonly entityId?: string) {
    super(`CloudStack ${command} failed (${errorcode}): ${errortext}`);
  }
}

export class FakeCloud implements CloudApi {
  calls: { command: string; params: Record<string, unknown>; at: number }[] = [];
  vms: Entity[] = [];
  networks: Entity[] = [];
  ips: Entity[] = [];
  firewall: Entity[] = [];
  forwards: Entity[] = [];
  lbs: Entity[] = [];
  tags: Entity[] = [];
  keypairs: Entity[] = [];
  zones: Entity[] = [{ id: "z1", name: "Zone1", allocationstate: "Enabled" }];
  isos: Entity[] = [];
  userdata: Entity[] = [];
  cniconfigs: Entity[] = [];
  offerings: Entity[] = [
    { id: "off-small", name: "Small", cpunumber: 2, memory: 2048 },
    { id: "off-tiny", name: "Tiny", cpunumber: 1, memory: 1024 },
    { id: "off-large", name: "Large", cpunumber: 4, memory: 8192 },
  ];
  templates: Entity[] = [{ id: "tmpl-1", name: "Debian", isready: true, forcks: true }];
  networkOfferings: Entity[] = [{ id: "no-k8s", name: "DefaultNetworkOfferingforKubernetesService", state: "Enabled" }];
  /** Per-command failure injection: return an error to throw, or undefined. */
  failWith: (command: string, params: Record<string, any>) => Error | undefined = () => undefined;
  /** Artificial latency per command (ms), for overlap tests. */
  latencyMs: Record<string, number> = {};
  /** Calls of each command in flight right now, and the most ever in flight at once. */
  private readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  hasCniApi = true;
  nextIp = 10;

  private tagsOf(type: string, id: string): Entity[] {
    return this.tags.filter((t) => t.resourcetype.toLowerCase() === type.toLowerCase() && t.resourceid === id).map((t) => ({ key: t.key, value: t.value }));
  }

  private withTags(type: string, e: Entity): Entity {
    return { ...e, tags: this.tagsOf(type, e.id) };
  }

  private filterTags(type: string, items: Entity[], params: Record<string, any>): Entity[] {
    const filter = params.tags as Record<string, string> | undefined;
    if (!filter) return items;
    return items.filter((i) => Object.entries(filter).some(([k, v]) => this.tags.some((t) => t.resourcetype.toLowerCase() === type.toLowerCase() && t.resourceid === i.id && t.key === k && t.value === v)));
  }

  async listAll(command: string, params: CloudParams, _key: string): Promise<unknown[]> {
    return (await this.request(command, params)) as unknown[];
  }

  async request(command: string, rawParams: CloudParams = {}): Promise<unknown> {
    const params = rawParams as Record<string, any>;
    const at = Date.now();
    this.calls.push({ command, params: { ...params }, at });
    if (this.latencyMs[command]) {
      const now = (this.inFlight.get(command) ?? 0) + 1;
      this.inFlight.set(command, now);
      this.maxInFlight.set(command, Math.max(now, this.maxInFlight.get(command) ?? 0));
      await new Promise((r) => setTimeout(r, this.latencyMs[command]));
      this.inFlight.set(command, (this.inFlight.get(command) ?? 1) - 1);
    }
    const injected = this.failWith(command, params);
    if (injected) throw injected;
    const byId = (list: Entity[]) => (params.id ? list.filter((e) => e.id === params.id) : list);
    switch (command) {
      case "listZones":
        return byId(this.zones).filter((z) => !params.name || z.name === params.name);
      case "listIsos":
        return byId(this.isos).map((e) => this.withTags("ISO", e));
      case "registerIso": {
        const iso = { id: randomUUID(), name: params.name, isready: false, status: "Downloading", zoneid: params.zoneid };
        this.isos.push(iso);
        return { iso: [iso] };
      }
      case "deleteIso":
        return this.remove(this.isos, params.id, command);
      case "listServiceOfferings":
        return byId(this.offerings);
      case "listTemplates":
        return byId(this.templates).filter((t) => (params.forcks ? t.forcks : true));
      case "listNetworkOfferings":
        return this.networkOfferings.filter((o) => !params.name || o.name === params.name);
      case "listSSHKeyPairs":
        return this.keypairs.filter((k) => !params.name || k.name === params.name);
      case "registerSSHKeyPair": {
        if (this.keypairs.some((k) => k.name === params.name)) throw new FakeCloudError(command, 431, "A key pair with name already exists");
        const { cloudStackFingerprint } = require("../../../provider/cluster/phases/keys");
        const kp = { name: params.name, fingerprint: cloudStackFingerprint(params.publickey) };
        this.keypairs.push(kp);
        return { keypair: kp };
      }
      case "deleteSSHKeyPair": {
        const before = this.keypairs.length;
        this.keypairs = this.keypairs.filter((k) => k.name !== params.name);
        if (before === this.keypairs.length) throw new FakeCloudError(command, 431, "A key pair with name does not exist");
        return { success: true };
      }
      case "listNetworks":
        return this.filterTags("Network", byId(this.networks).filter((n) => !params.keyword || n.name.includes(params.keyword)), params).map((e) => this.withTags("Network", e));
      case "createNetwork": {
        const n = { id: randomUUID(), name: params.name, displaytext: params.displaytext, type: "Isolated", service: [] };
        this.networks.push(n);
        return { network: n };
      }
      case "deleteNetwork":
        if (this.vms.some((v) => v.networkid === params.id)) throw new FakeCloudError(command, 530, "network has VMs");
        return this.remove(this.networks, params.id, command);
      case "listPublicIpAddresses":
        return this.filterTags("PublicIpAddress", byId(this.ips), params).map((e) => this.withTags("PublicIpAddress", e));
      case "associateIpAddress": {
        const ip = { id: randomUUID(), ipaddress: `127.9.0.${this.nextIp++}`, associatednetworkid: params.networkid, issourcenat: false };
        this.ips.push(ip);
        return { ipaddress: ip };
      }
      case "disassociateIpAddress":
        return this.remove(this.ips, params.id, command);
      case "listVirtualMachines":
        return this.filterTags("UserVm", byId(this.vms).filter((v) => !params.name || v.name.includes(params.name)).filter((v) => !params.networkid || v.networkid === params.networkid), params).map((e) => this.withTags("UserVm", e));
      case "deployVirtualMachine": {
        const vm = { id: randomUUID(), name: params.name, state: "Running", networkid: params.networkids?.[0], nic: [{ id: randomUUID(), networkid: params.networkids?.[0], ipaddress: `10.1.1.${this.nextIp++}`, isdefault: true }], cpunumber: 2, memory: 2048, userdata: params.userdata };
        this.vms.push(vm);
        return { virtualmachine: vm };
      }
      case "startVirtualMachine": {
        const vm = this.vms.find((v) => v.id === params.id);
        if (vm) vm.state = "Running";
        return { virtualmachine: vm };
      }
      case "destroyVirtualMachine": {
        const vm = this.vms.find((v) => v.id === params.id);
        if (!vm) throw new FakeCloudError(command, 431, "Unable to find VM: entity does not exist");
        if (params.expunge) {
          this.vms = this.vms.filter((v) => v !== vm);
          this.tags = this.tags.filter((t) => t.resourceid !== vm.id);
        } else vm.state = "Destroyed";
        return { virtualmachine: vm };
      }
      case "attachIso": {
        const vm = this.vms.find((v) => v.id === params.virtualmachineid);
        vm!.isoid = params.id;
        return { virtualmachine: vm };
      }
      case "detachIso": {
        const vm = this.vms.find((v) => v.id === params.virtualmachineid);
        delete vm!.isoid;
        return { virtualmachine: vm };
      }
      case "listFirewallRules":
        return this.firewall.filter((r) => !params.ipaddressid || r.ipaddressid === params.ipaddressid).map((e) => this.withTags("FirewallRule", e));
      case "createFirewallRule": {
        const r = { id: randomUUID(), ipaddressid: params.ipaddressid, protocol: params.protocol, startport: params.startport, endport: params.endport };
        this.firewall.push(r);
        return { firewallrule: r };
      }
      case "deleteFirewallRule":
        return this.remove(this.firewall, params.id, command);
      case "listPortForwardingRules":
        return this.forwards.filter((r) => !params.ipaddressid || r.ipaddressid === params.ipaddressid).map((e) => this.withTags("PortForwardingRule", e));
      case "createPortForwardingRule": {
        const r = { id: randomUUID(), ipaddressid: params.ipaddressid, protocol: params.protocol ?? "tcp", publicport: String(params.publicport), privateport: String(params.privateport), virtualmachineid: params.virtualmachineid };
        this.forwards.push(r);
        return { portforwardingrule: r };
      }
      case "deletePortForwardingRule":
        return this.remove(this.forwards, params.id, command);
      case "listLoadBalancerRules":
        return this.lbs.filter((r) => !params.publicipid || r.publicipid === params.publicipid).map((e) => this.withTags("LoadBalancer", e));
      case "createLoadBalancerRule": {
        const r = { id: randomUUID(), name: params.name, publicipid: params.publicipid, publicport: String(params.publicport), privateport: String(params.privateport), members: [] as string[] };
        this.lbs.push(r);
        return { loadbalancer: r };
      }
      case "assignToLoadBalancerRule": {
        const lb = this.lbs.find((r) => r.id === params.id);
        // CloudStack refuses the whole call when one VM is already a member (LoadBalancingRulesManagerImpl.assignToLoadBalancer).
        const already = (params.virtualmachineids as string[]).find((id) => lb!.members.includes(id));
        if (already) throw new FakeCloudError(command, 431, `VM ${already} is already assigned to load balancer rule ${lb!.id}`);
        lb!.members.push(...params.virtualmachineids);
        return { success: true };
      }
      case "listLoadBalancerRuleInstances":
        return (this.lbs.find((r) => r.id === params.id)?.members ?? []).map((id: string) => ({ id }));
      case "deleteLoadBalancerRule":
        return this.remove(this.lbs, params.id, command);
      case "createTags":
        for (const id of params.resourceids) for (const [key, value] of Object.entries(params.tags as Record<string, string>)) this.tags.push({ resourcetype: params.resourcetype, resourceid: id, key, value });
        return { success: true };
      case "deleteTags":
        this.tags = this.tags.filter((t) => !(params.resourceids.includes(t.resourceid) && Object.keys(params.tags).includes(t.key)));
        return { success: true };
      case "listTags":
        return this.tags.filter(
          (t) =>
            (!params.resourcetype || t.resourcetype.toLowerCase() === String(params.resourcetype).toLowerCase()) &&
            (!params.resourceid || t.resourceid === params.resourceid) &&
            (!params.key || t.key === params.key) &&
            (!params.value || t.value === params.value),
        );
      case "registerCniConfiguration": {
        if (!this.hasCniApi) throw new FakeCloudError(command, 432, `Unknown API command: ${command}`);
        const e = { id: randomUUID(), name: params.name, userdata: params.cniconfig, params: params.params };
        this.cniconfigs.push(e);
        return { cniconfig: e };
      }
      case "listCniConfiguration":
        if (!this.hasCniApi) throw new FakeCloudError(command, 432, `Unknown API command: ${command}`);
        return byId(this.cniconfigs);
      case "deleteCniConfiguration":
        return this.remove(this.cniconfigs, params.id, command);
      case "registerUserData": {
        const e = { id: randomUUID(), name: params.name, userdata: params.userdata, params: params.params };
        this.userdata.push(e);
        return { userdata: e };
      }
      case "listUserData":
        return byId(this.userdata);
      case "deleteUserData":
        return this.remove(this.userdata, params.id, command);
      default:
        throw new FakeCloudError(command, 432, `Unknown API command: ${command}`);
    }
  }

  private remove(list: Entity[], id: string, command: string): unknown {
    const i = list.findIndex((e) => e.id === id);
    if (i < 0) throw new FakeCloudError(command, 431, `Unable to execute API command ${command.toLowerCase()} due to invalid value. Invalid parameter id value=${id} due to incorrect long value format, or entity does not exist`);
    list.splice(i, 1);
    this.tags = this.tags.filter((t) => t.resourceid !== id);
    return { success: true };
  }

  count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }
}
