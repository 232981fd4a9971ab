// Firewall, port-forwarding and load-balancer rules. PF and LB rules open real listeners on the
// public IP (netops), so a TCP client really reaches the VM behind them.
import type { Caller, CommandHandler, HandlerResult, Params } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { FirewallRuleRecord, LoadBalancerRuleRecord, PortForwardingRuleRecord, PublicIpRecord } from "../model";
import { DURATIONS, openLoadBalancer, openPortForwarding } from "../netops";
import { renderFirewallRule, renderLoadBalancerRule, renderPortForwardingRule, renderVm } from "../render";
import { bool, int, invalidValue, list, mapEntries, paramError, required, ruleConflict } from "../util";

interface PortRange {
  ruleId: string;
  kind: "firewall" | "pf" | "lb";
  protocol: string;
  start: number;
  end: number;
  cidrs: string[];
}

function checkPort(command: string, name: string, port: number | undefined): void {
  if (port !== undefined && (port < 1 || port > 65535)) throw paramError(`Invalid port ${port} for parameter ${name} of ${command}: ports are 1-65535`);
}

function cidrList(params: Params): string[] {
  const cidrs = list(params, "cidrlist");
  for (const c of cidrs) {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c)) throw paramError(`Source CIDR ${c} is not a valid IPv4 CIDR`);
  }
  return cidrs.length > 0 ? cidrs : ["0.0.0.0/0"];
}

export function ruleHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const w = ctx.world;

  function rangesOn(ipId: string): PortRange[] {
    const out: PortRange[] = [];
    for (const r of w.firewallRules.values()) {
      if (r.ipId === ipId && r.startPort !== undefined) {
        out.push({ ruleId: r.id, kind: "firewall", protocol: r.protocol, start: r.startPort, end: r.endPort ?? r.startPort, cidrs: r.cidrs });
      }
    }
    for (const r of w.portForwardingRules.values()) {
      if (r.ipId === ipId) out.push({ ruleId: r.id, kind: "pf", protocol: r.protocol, start: r.publicPort, end: r.publicEndPort, cidrs: r.cidrs });
    }
    for (const r of w.loadBalancerRules.values()) {
      if (r.ipId === ipId) out.push({ ruleId: r.id, kind: "lb", protocol: r.protocol, start: r.publicPort, end: r.publicPort, cidrs: r.cidrs });
    }
    return out;
  }

  /**
   * detectRulesConflict: PF/LB rules on one IP may not overlap (same protocol); firewall rules only
   * conflict with firewall rules carrying the same source CIDRs; firewall and PF/LB never conflict.
   */
  function detectConflict(ipId: string, candidate: Omit<PortRange, "ruleId">): void {
    for (const r of rangesOn(ipId)) {
      const bothFirewall = r.kind === "firewall" && candidate.kind === "firewall";
      const oneFirewall = r.kind === "firewall" || candidate.kind === "firewall";
      if (oneFirewall && !bothFirewall) continue;
      if (bothFirewall && [...r.cidrs].sort().join(",") !== [...candidate.cidrs].sort().join(",")) continue;
      const sameProtocol = r.protocol.toLowerCase() === candidate.protocol.toLowerCase();
      if (!sameProtocol && !(r.kind !== "firewall" && candidate.kind !== "firewall")) continue;
      if (candidate.start <= r.end && r.start <= candidate.end) {
        throw ruleConflict(`The range specified, ${candidate.start}-${candidate.end}, conflicts with rule ${r.ruleId} which has ${r.start}-${r.end}`);
      }
    }
  }

  function ipFor(caller: Caller, command: string, param: string, id: string): PublicIpRecord {
    const ip = ctx.owned(w.publicIps, caller, command, param, id);
    if (ip.state === "Releasing") throw paramError(`IP address ${ip.address} is being released`);
    return ip;
  }

  /**
   * A VPC IP is tied to a tier by its first PF / LB rule (RulesManagerImpl.createPortForwardingRule and
   * LoadBalancingRulesManagerImpl.createPublicLoadBalancerRule: associateIPToGuestNetwork when the IP's
   * VPC is the network's), and let go again when its last such rule goes (unassignIPFromVpcNetwork).
   * Returns whether this call tied it, so a refused rule can undo that.
   */
  function tieVpcIp(cmd: string, ip: PublicIpRecord, params: Params, caller: Caller, service: "PortForwarding" | "Lb"): boolean {
    if (!ip.vpcId) return false;
    const wanted = params["networkid"];
    if (ip.networkId !== undefined) {
      if (wanted !== undefined && wanted !== ip.networkId) throw paramError(`Ip address ${ip.address} is not assigned to the network ${wanted}; it is associated with network ${ip.networkId}`);
      return false;
    }
    if (wanted === undefined) {
      throw paramError(`Unable to create ${service === "Lb" ? "load balancer" : "port forwarding"} rule for the ipAddress id=${ip.id} as ip is not associated with any network and no networkId is passed in`);
    }
    const tier = ctx.owned(w.networks, caller, cmd, "networkid", wanted);
    if (tier.vpcId !== ip.vpcId) throw paramError(`Ip address ${ip.address} is not assigned to the network ${tier.name}`);
    const services = ctx.seed.networkOfferings.find((o) => o.id === tier.offeringId)?.services ?? [];
    if (!services.includes(service)) throw paramError(service === "Lb" ? "LB service is not supported in specified network id" : `Service PortForwarding is not supported in the network id=${tier.id}`);
    ip.networkId = tier.id;
    return true;
  }

  function untieVpcIpIfUnused(ipId: string): void {
    const ip = w.publicIps.get(ipId);
    if (!ip?.vpcId || ip.isSourceNat) return;
    const used = [...w.portForwardingRules.values()].some((r) => r.ipId === ipId) || [...w.loadBalancerRules.values()].some((r) => r.ipId === ipId);
    if (!used) ip.networkId = undefined;
  }

  function addFirewallRecord(ip: PublicIpRecord, protocol: string, start: number | undefined, end: number | undefined, cidrs: string[]): FirewallRuleRecord {
    const rule: FirewallRuleRecord = { id: ctx.uuid(), ipId: ip.id, accountId: ip.accountId, protocol, startPort: start, endPort: end, cidrs, state: "Add" };
    w.firewallRules.set(rule.id, rule);
    return rule;
  }

  function deleteFirewallRecord(id: string | undefined): void {
    if (id === undefined) return;
    w.firewallRules.delete(id);
    ctx.removeTagsOf("FirewallRule", id);
  }

  /**
   * The job of a rule with listeners (port forwarding, load balancer): after the apply delay, open its
   * listeners and mark it and its firewall record Active; if they cannot open, the rule and its firewall
   * record are gone again.
   */
  function applyListenerRule<T extends { id: string; state: string; firewallRuleId?: string }>(
    rule: T,
    rules: Map<string, T>,
    how: { label: string; instanceType: string; open: () => Promise<void>; entityKey: string; render: () => unknown },
  ): HandlerResult {
    return {
      kind: "async",
      work: {
        entityId: rule.id,
        instanceType: how.instanceType,
        instanceId: rule.id,
        run: async () => {
          await ctx.sleep(DURATIONS.rule);
          if (rules.get(rule.id) !== rule) throw paramError(`${how.label} ${rule.id} was removed while being applied`);
          try {
            await how.open();
          } catch (err) {
            rules.delete(rule.id);
            deleteFirewallRecord(rule.firewallRuleId);
            throw err;
          }
          rule.state = "Active";
          const fw = rule.firewallRuleId ? w.firewallRules.get(rule.firewallRuleId) : undefined;
          if (fw) fw.state = "Active";
          return { kind: "object", entityKey: how.entityKey, entity: how.render() };
        },
      },
    };
  }

  const createFirewallRule: CommandHandler = (params, caller) => {
    const cmd = "createFirewallRule";
    const ip = ipFor(caller, cmd, "ipaddressid", required(params, cmd, "ipaddressid"));
    // A VPC tier's offering has no Firewall service: its network ACL list stands in (NetworkModelImpl
    // .checkIpForService via FirewallManagerImpl.validateFirewallRule).
    if (ip.vpcId) {
      if (ip.networkId === undefined) throw paramError(`Unable to create firewall rule; ip id=${ip.id} is not associated with any network`);
      throw paramError(`Service Firewall is not supported in the network id=${ip.networkId}`);
    }
    const protocol = required(params, cmd, "protocol").toLowerCase();
    if (!["tcp", "udp", "icmp", "all"].includes(protocol)) throw paramError(`Invalid protocol ${protocol}: one of tcp, udp, icmp, all`);
    const start = int(params, cmd, "startport");
    const end = int(params, cmd, "endport") ?? start;
    checkPort(cmd, "startport", start);
    checkPort(cmd, "endport", end);
    if (start !== undefined && end !== undefined && end < start) throw paramError(`Start port ${start} can't be bigger than end port ${end}`);
    if ((protocol === "tcp" || protocol === "udp") && start === undefined && end !== undefined) throw paramError("startport is required with endport");
    const cidrs = cidrList(params);
    if (start !== undefined) detectConflict(ip.id, { kind: "firewall", protocol, start, end: end ?? start, cidrs });
    const rule = addFirewallRecord(ip, protocol, start, end, cidrs);
    return {
      kind: "async",
      work: {
        entityId: rule.id,
        instanceType: "FirewallRule",
        instanceId: rule.id,
        run: async () => {
          await ctx.sleep(DURATIONS.rule);
          rule.state = "Active";
          return { kind: "object", entityKey: "firewallrule", entity: renderFirewallRule(ctx, rule) };
        },
      },
    };
  };

  const createPortForwardingRule: CommandHandler = (params, caller) => {
    const cmd = "createPortForwardingRule";
    const ip = ipFor(caller, cmd, "ipaddressid", required(params, cmd, "ipaddressid"));
    const protocol = required(params, cmd, "protocol").toLowerCase();
    if (protocol !== "tcp" && protocol !== "udp") throw paramError(`Invalid protocol ${protocol} for a port forwarding rule: tcp or udp`);
    const privatePort = int(params, cmd, "privateport") ?? Number(required(params, cmd, "privateport"));
    const publicPort = int(params, cmd, "publicport") ?? Number(required(params, cmd, "publicport"));
    const privateEnd = int(params, cmd, "privateendport") ?? privatePort;
    const publicEnd = int(params, cmd, "publicendport") ?? publicPort;
    for (const [n, p] of [["privateport", privatePort], ["publicport", publicPort], ["privateendport", privateEnd], ["publicendport", publicEnd]] as const) {
      checkPort(cmd, n, p);
    }
    if (publicEnd - publicPort !== privateEnd - privatePort || publicEnd < publicPort) {
      throw paramError("Private port range and public port range must be of the same size");
    }
    const vmId = required(params, cmd, "virtualmachineid");
    const vm = ctx.owned(w.vms, caller, cmd, "virtualmachineid", vmId);
    if (vm.state === "Destroyed" || vm.state === "Expunging" || vm.state === "Error") {
      throw paramError(`Invalid user vm: ${vm.name}; it is in state ${vm.state}`);
    }
    const tied = tieVpcIp(cmd, ip, params, caller, "PortForwarding");
    try {
      return createPortForward(params, ip, vm, protocol, { privatePort, publicPort, privateEnd, publicEnd });
    } catch (err) {
      if (tied) ip.networkId = undefined;
      throw err;
    }
  };

  function createPortForward(params: Params, ip: PublicIpRecord, vm: { id: string; name: string; networkId: string; guestIp: string }, protocol: string, ports: { privatePort: number; publicPort: number; privateEnd: number; publicEnd: number }): HandlerResult {
    const cmd = "createPortForwardingRule";
    const { privatePort, publicPort, privateEnd, publicEnd } = ports;
    if (ip.networkId === undefined) throw paramError(`Unable to create port forwarding rule; ip id=${ip.id} is not associated with any network`);
    if (vm.networkId !== ip.networkId) throw paramError(`Unable to create port forwarding rule; vm ${vm.name} is not in network ${ip.networkId} of the IP`);
    if (params["networkid"] !== undefined && params["networkid"] !== ip.networkId) throw invalidValue(cmd, "networkid", params["networkid"]);
    if (params["vmguestip"] !== undefined && params["vmguestip"] !== vm.guestIp) throw paramError(`VM ${vm.name} has no guest IP ${params["vmguestip"]}`);
    const cidrs = cidrList(params);
    detectConflict(ip.id, { kind: "pf", protocol, start: publicPort, end: publicEnd, cidrs });
    const rule: PortForwardingRuleRecord = {
      id: ctx.uuid(),
      ipId: ip.id,
      accountId: ip.accountId,
      protocol,
      publicPort,
      publicEndPort: publicEnd,
      privatePort,
      privateEndPort: privateEnd,
      vmId: vm.id,
      vmGuestIp: vm.guestIp,
      networkId: ip.networkId,
      cidrs,
      state: "Add",
    };
    // openfirewall means nothing on a VPC IP (no Firewall service there).
    if (bool(params, "openfirewall", true) && !ip.vpcId) rule.firewallRuleId = addFirewallRecord(ip, protocol, publicPort, publicEnd, cidrs).id;
    w.portForwardingRules.set(rule.id, rule);
    return applyListenerRule(rule, w.portForwardingRules, {
      label: "Port forwarding rule",
      instanceType: "PortForwardingRule",
      open: () => openPortForwarding(ctx, rule),
      entityKey: "portforwardingrule",
      render: () => renderPortForwardingRule(ctx, rule),
    });
  }

  const createLoadBalancerRule: CommandHandler = (params, caller) => {
    const cmd = "createLoadBalancerRule";
    const name = required(params, cmd, "name");
    const algorithm = required(params, cmd, "algorithm").toLowerCase();
    if (!["roundrobin", "leastconn", "source"].includes(algorithm)) throw paramError(`Invalid algorithm ${algorithm}: roundrobin, leastconn or source`);
    const privatePort = int(params, cmd, "privateport") ?? Number(required(params, cmd, "privateport"));
    const publicPort = int(params, cmd, "publicport") ?? Number(required(params, cmd, "publicport"));
    checkPort(cmd, "privateport", privatePort);
    checkPort(cmd, "publicport", publicPort);
    const ipId = params["publicipid"];
    if (ipId === undefined) throw paramError("Unable to create load balancer rule: publicipid is required by the simulator");
    const ip = ipFor(caller, cmd, "publicipid", ipId);
    const tied = tieVpcIp(cmd, ip, params, caller, "Lb");
    try {
      return createLoadBalancer(params, ip, name, algorithm, privatePort, publicPort);
    } catch (err) {
      if (tied) ip.networkId = undefined;
      throw err;
    }
  };

  function createLoadBalancer(params: Params, ip: PublicIpRecord, name: string, algorithm: string, privatePort: number, publicPort: number): HandlerResult {
    const cmd = "createLoadBalancerRule";
    if (ip.networkId === undefined) throw paramError(`Unable to create load balancer rule; ip id=${ip.id} is not associated with any network`);
    if (params["networkid"] !== undefined && params["networkid"] !== ip.networkId) throw invalidValue(cmd, "networkid", params["networkid"]);
    const protocol = (params["protocol"] ?? "tcp").toLowerCase();
    if (!["tcp", "udp", "tcp-proxy"].includes(protocol)) throw paramError(`Invalid protocol ${protocol} for a load balancer rule`);
    const cidrs = cidrList(params);
    detectConflict(ip.id, { kind: "lb", protocol, start: publicPort, end: publicPort, cidrs });
    const rule: LoadBalancerRuleRecord = {
      id: ctx.uuid(),
      name,
      description: params["description"],
      ipId: ip.id,
      accountId: ip.accountId,
      zoneId: ip.zoneId,
      networkId: ip.networkId,
      publicPort,
      privatePort,
      algorithm,
      protocol: protocol === "tcp-proxy" ? "tcp" : protocol,
      cidrs,
      members: [],
      state: "Add",
    };
    if (bool(params, "openfirewall", true) && !ip.vpcId) rule.firewallRuleId = addFirewallRecord(ip, rule.protocol, publicPort, publicPort, cidrs).id;
    w.loadBalancerRules.set(rule.id, rule);
    return applyListenerRule(rule, w.loadBalancerRules, {
      label: "Load balancer rule",
      instanceType: "LoadBalancerRule",
      open: () => openLoadBalancer(ctx, rule),
      entityKey: "loadbalancer",
      render: () => renderLoadBalancerRule(ctx, rule),
    });
  }

  function memberIds(params: Params, command: string, caller: Caller): string[] {
    const ids = [...list(params, "virtualmachineids"), ...mapEntries(params, "vmidipmap").map((e) => e["vmid"]).filter((x): x is string => !!x)];
    if (ids.length === 0) throw paramError("Either virtualmachineids or vmidipmap must be specified");
    for (const id of ids) ctx.owned(w.vms, caller, command, "virtualmachineids", id);
    return [...new Set(ids)];
  }

  const assignToLoadBalancerRule: CommandHandler = (params, caller) => {
    const cmd = "assignToLoadBalancerRule";
    const rule = ctx.owned(w.loadBalancerRules, caller, cmd, "id", required(params, cmd, "id"));
    const ids = memberIds(params, cmd, caller);
    return {
      kind: "async",
      work: {
        instanceType: "LoadBalancerRule",
        instanceId: rule.id,
        run: async () => {
          for (const id of ids) {
            const vm = w.vms.get(id);
            if (!vm || vm.networkId !== rule.networkId) throw paramError(`VM ${vm?.name ?? id} is not in the network of load balancer rule ${rule.name}`);
            if (rule.members.includes(id)) throw paramError(`VM ${vm.name} is already assigned to load balancer rule ${rule.name}`);
          }
          await ctx.sleep(DURATIONS.rule);
          rule.members.push(...ids.filter((id) => !rule.members.includes(id)));
          return { kind: "success" };
        },
      },
    };
  };

  const removeFromLoadBalancerRule: CommandHandler = (params, caller) => {
    const cmd = "removeFromLoadBalancerRule";
    const rule = ctx.owned(w.loadBalancerRules, caller, cmd, "id", required(params, cmd, "id"));
    const ids = memberIds(params, cmd, caller);
    return {
      kind: "async",
      work: {
        instanceType: "LoadBalancerRule",
        instanceId: rule.id,
        run: async () => {
          const missing = ids.find((id) => !rule.members.includes(id));
          if (missing) throw paramError(`VM ${missing} is not assigned to load balancer rule ${rule.name}`);
          await ctx.sleep(DURATIONS.rule);
          rule.members = rule.members.filter((m) => !ids.includes(m));
          return { kind: "success" };
        },
      },
    };
  };

  function deleter<T extends { id: string; accountId: string; firewallRuleId?: string }>(
    command: string,
    map: Map<string, T>,
    tagType: string,
    instanceType: string,
  ): CommandHandler {
    return (params, caller) => {
      const rule = ctx.owned(map, caller, command, "id", required(params, command, "id"));
      return {
        kind: "async",
        work: {
          instanceType,
          instanceId: rule.id,
          run: async () => {
            await ctx.sleep(DURATIONS.rule);
            if (!map.delete(rule.id)) throw paramError(`Rule ${rule.id} does not exist any more`);
            ctx.removeTagsOf(tagType, rule.id);
            deleteFirewallRecord(rule.firewallRuleId);
            await ctx.listeners.close(rule.id);
            const ipId = (rule as { ipId?: unknown }).ipId;
            if (typeof ipId === "string") untieVpcIpIfUnused(ipId);
            return { kind: "success" };
          },
        },
      };
    };
  }

  function lister<T extends { id: string; accountId: string; ipId: string }>(
    command: string,
    map: Map<string, T>,
    entityKey: string,
    tagType: string,
    render: (r: T) => Record<string, unknown>,
    extra: (r: T, params: Params) => boolean = () => true,
  ): CommandHandler {
    return (params, caller) => {
      ctx.checkListIds(command, params, { id: [map], ipaddressid: [w.publicIps], publicipid: [w.publicIps], networkid: [w.networks], virtualmachineid: [w.vms] });
      const inScope = ctx.listScope(caller, params);
      const byTag = ctx.tagFilter(params, tagType);
      const items = [...map.values()]
        .filter((r) => inScope(r.accountId))
        .filter((r) => basicFilter(params, r, []))
        .filter((r) => params["ipaddressid"] === undefined || r.ipId === params["ipaddressid"])
        .filter((r) => params["networkid"] === undefined || w.publicIps.get(r.ipId)?.networkId === params["networkid"])
        .filter((r) => extra(r, params))
        .filter((r) => byTag === undefined || byTag(r.id))
        .map(render);
      return { kind: "list", entityKey, items };
    };
  }

  /**
   * Static NAT rules (api/.../user/nat/ListIpForwardingRulesCmd.java). The simulator has no static NAT
   * (enableStaticNat is not offered), so the list is always empty; its id filters still resolve.
   */
  const listIpForwardingRules: CommandHandler = (params, caller) => {
    ctx.checkListIds("listIpForwardingRules", params, { id: [w.firewallRules, w.portForwardingRules], ipaddressid: [w.publicIps], virtualmachineid: [w.vms] });
    ctx.listScope(caller, params);
    return { kind: "list", entityKey: "ipforwardingrule", items: [] };
  };

  /**
   * The VMs of a load balancer rule (api/.../user/loadbalancer/ListLoadBalancerRuleInstancesCmd.java,
   * LoadBalancingRulesManagerImpl.listLoadBalancerInstances): applied (default true) lists the
   * members; applied=false the rule owner's VMs in its network that could be assigned. Items are VM
   * responses named `loadbalancerruleinstance`; with lbvmips=true each is an `lbrulevmidip` holding the
   * VM and the guest IPs the rule balances to.
   */
  const listLoadBalancerRuleInstances: CommandHandler = (params, caller) => {
    const cmd = "listLoadBalancerRuleInstances";
    const id = required(params, cmd, "id");
    ctx.checkListIds(cmd, params, { id: [w.loadBalancerRules, w.firewallRules, w.portForwardingRules] });
    const rule = w.loadBalancerRules.get(id);
    if (!rule) return { kind: "list", entityKey: "loadbalancerruleinstance", items: [] };
    ctx.owned(w.loadBalancerRules, caller, cmd, "id", id);
    const applied = bool(params, "applied", true);
    const vms = [...w.vms.values()].filter((vm) =>
      applied
        ? rule.members.includes(vm.id)
        : !rule.members.includes(vm.id) && vm.networkId === rule.networkId && vm.accountId === rule.accountId && !["Destroyed", "Expunging", "Error"].includes(vm.state),
    );
    const rendered = vms
      .filter((vm) => basicFilter({ keyword: params["keyword"] } as Params, vm, [vm.name, vm.displayName]))
      .map((vm) => ({ vm, view: { ...renderVm(ctx, vm), servicestate: "Unknown" } }));
    if (bool(params, "lbvmips")) {
      return { kind: "list", entityKey: "lbrulevmidip", items: rendered.map((r) => ({ lbvmipaddresses: [r.vm.guestIp], loadbalancerruleinstance: r.view })) };
    }
    return { kind: "list", entityKey: "loadbalancerruleinstance", items: rendered.map((r) => r.view) };
  };

  return {
    listIpForwardingRules,
    listLoadBalancerRuleInstances,
    createFirewallRule,
    deleteFirewallRule: deleter("deleteFirewallRule", w.firewallRules as Map<string, FirewallRuleRecord & { firewallRuleId?: string }>, "FirewallRule", "FirewallRule"),
    listFirewallRules: lister("listFirewallRules", w.firewallRules, "firewallrule", "FirewallRule", (r) => renderFirewallRule(ctx, r)),
    createPortForwardingRule,
    deletePortForwardingRule: deleter("deletePortForwardingRule", w.portForwardingRules, "PortForwardingRule", "PortForwardingRule"),
    listPortForwardingRules: lister("listPortForwardingRules", w.portForwardingRules, "portforwardingrule", "PortForwardingRule", (r) => renderPortForwardingRule(ctx, r)),
    createLoadBalancerRule,
    assignToLoadBalancerRule,
    removeFromLoadBalancerRule,
    deleteLoadBalancerRule: deleter("deleteLoadBalancerRule", w.loadBalancerRules, "LoadBalancer", "LoadBalancerRule"),
    listLoadBalancerRules: lister(
      "listLoadBalancerRules",
      w.loadBalancerRules,
      "loadbalancerrule",
      "LoadBalancer",
      (r) => renderLoadBalancerRule(ctx, r),
      (r, params) =>
        (params["publicipid"] === undefined || r.ipId === params["publicipid"]) &&
        (params["name"] === undefined || r.name === params["name"]) &&
        (params["virtualmachineid"] === undefined || r.members.includes(params["virtualmachineid"])) &&
        (params["zoneid"] === undefined || r.zoneId === params["zoneid"]),
    ),
  };
}
