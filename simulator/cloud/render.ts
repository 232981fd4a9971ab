// Response objects with CloudStack's real field names (responseFields in cloudstack-api.json).
// Undefined fields are dropped by JSON serialisation, as Gson omits nulls.
import type { CloudContext } from "./context";
import { groupsOfVm } from "./affinity";
import { hostById } from "./hosts";
import { aclListName } from "./vpcs";
import type {
  FirewallRuleRecord,
  IsoRecord,
  KeyPairRecord,
  LoadBalancerRuleRecord,
  NetworkRecord,
  PortForwardingRuleRecord,
  PublicIpRecord,
  UserDataRecord,
  VmRecord,
} from "./model";

export function renderVm(ctx: CloudContext, vm: VmRecord, opts: { withUserData?: boolean; admin?: boolean } = {}): Record<string, unknown> {
  const zone = ctx.zone(vm.zoneId);
  const template = ctx.seed.templates.find((t) => t.id === vm.templateId);
  const offering = ctx.seed.serviceOfferings.find((o) => o.id === vm.serviceOfferingId);
  const iso = vm.isoId ? ctx.world.isos.get(vm.isoId) : undefined;
  const net = ctx.world.networks.get(vm.networkId);
  const osType = ctx.seed.osTypes.find((o) => o.id === template?.ostypeid);
  const userData = vm.userDataId ? ctx.world.userData.get(vm.userDataId) : undefined;
  // user_vm_view always joins the owning user: UserVmJoinDaoImpl sets userid and username.
  const users = ctx.seed.accounts.find((a) => a.id === vm.accountId)?.users ?? [];
  const user = users.find((u) => u.id === vm.userId) ?? users[0];
  return {
    id: vm.id,
    name: vm.name,
    displayname: vm.displayName,
    ...ctx.owner(vm.accountId),
    userid: user?.id,
    username: user?.username,
    created: vm.created,
    state: vm.state,
    haenable: vm.haEnable,
    group: vm.group,
    zoneid: vm.zoneId,
    zonename: zone?.name,
    // UserVmJoinDaoImpl.newUserVmResponse: hostid / hostname only for the root admin (view details).
    ...(opts.admin && vm.hostId ? { hostid: vm.hostId, hostname: hostById(ctx, vm.hostId)?.name } : {}),
    templateid: vm.templateId,
    templatename: template?.name,
    templatedisplaytext: template?.displaytext ?? template?.name,
    templatetype: template?.templatetype ?? "USER",
    templateformat: "QCOW2",
    passwordenabled: false,
    isoid: iso?.id,
    isoname: iso?.name,
    isodisplaytext: iso?.displayText,
    serviceofferingid: vm.serviceOfferingId,
    serviceofferingname: offering?.name,
    cpunumber: vm.cpuNumber,
    cpuspeed: vm.cpuSpeed,
    memory: vm.memory,
    guestosid: template?.ostypeid,
    ostypeid: template?.ostypeid,
    osdisplayname: osType?.description,
    rootdeviceid: 0,
    rootdevicetype: "ROOT",
    hypervisor: vm.hypervisor ?? zone?.hypervisor ?? "KVM",
    instancename: `i-2-${vm.instanceNumber}-VM`,
    keypairs: vm.keypairs.length > 0 ? vm.keypairs.join(",") : undefined,
    details: vm.details,
    displayvm: true,
    isdynamicallyscalable: vm.dynamicallyScalable ?? false,
    deleteprotection: vm.deleteProtection,
    userdata: opts.withUserData ? vm.userData : undefined,
    userdataid: userData?.id,
    userdataname: userData?.name,
    arch: template?.arch,
    nic: [
      {
        id: vm.nicId,
        networkid: vm.networkId,
        networkname: net?.name,
        netmask: net?.netmask,
        gateway: net?.gateway,
        ipaddress: vm.guestIp,
        isolationuri: net?.type === "Isolated" ? "vlan://100" : undefined,
        broadcasturi: net?.type === "Isolated" ? "vlan://100" : "vlan://untagged",
        traffictype: "Guest",
        type: net?.type,
        isdefault: true,
        macaddress: vm.macAddress,
        deviceid: "0",
        // NicResponse always carries both lists (UserVmJoinDaoImpl.setUserVmResponse), empty when unused.
        secondaryip: [],
        extradhcpoption: [],
      },
    ],
    securitygroup: [],
    affinitygroup: groupsOfVm(ctx, vm.id).map((g) => ({ id: g.id, name: g.name, type: g.type, description: g.description })),
    tags: ctx.tagsOf("UserVm", vm.id),
  };
}

export function renderNetwork(ctx: CloudContext, n: NetworkRecord): Record<string, unknown> {
  const offering = ctx.seed.networkOfferings.find((o) => o.id === n.offeringId);
  const zone = ctx.zone(n.zoneId);
  return {
    id: n.id,
    name: n.name,
    displaytext: n.displayText,
    broadcastdomaintype: "Vlan",
    traffictype: "Guest",
    gateway: n.gateway,
    netmask: n.netmask,
    cidr: `${n.subnet}.0/24`,
    ...(n.vpcId ? { vpcid: n.vpcId, aclid: n.aclId, aclname: aclListName(ctx, n.aclId) } : {}),
    zoneid: n.zoneId,
    zonename: zone?.name,
    networkofferingid: n.offeringId,
    networkofferingname: offering?.name,
    networkofferingdisplaytext: offering?.displaytext ?? offering?.name,
    networkofferingconservemode: true,
    networkofferingavailability: "Optional",
    issystem: false,
    state: n.state,
    related: n.id,
    type: n.type,
    acltype: n.type === "Shared" ? "Domain" : "Account",
    ...(n.accountId ? ctx.owner(n.accountId) : { domainid: ctx.domain.id, domain: ctx.domain.name }),
    isdefault: false,
    service: (offering?.services ?? []).map((s) => ({ name: s, provider: [{ name: "VirtualRouter" }] })),
    networkdomain: "cs1cloud.internal",
    restartrequired: false,
    specifyipranges: n.type === "Shared",
    canusefordeploy: true,
    ispersistent: false,
    egressdefaultpolicy: offering?.egressdefaultpolicy,
    displaynetwork: true,
    redundantrouter: false,
    created: n.created,
    tags: ctx.tagsOf("Network", n.id),
  };
}

export function renderPublicIp(ctx: CloudContext, ip: PublicIpRecord): Record<string, unknown> {
  const net = ip.networkId ? ctx.world.networks.get(ip.networkId) : undefined;
  const hasRules =
    [...ctx.world.portForwardingRules.values()].some((r) => r.ipId === ip.id) ||
    [...ctx.world.loadBalancerRules.values()].some((r) => r.ipId === ip.id) ||
    [...ctx.world.firewallRules.values()].some((r) => r.ipId === ip.id);
  return {
    id: ip.id,
    ipaddress: ip.address,
    allocated: ip.created,
    zoneid: ip.zoneId,
    zonename: ctx.zone(ip.zoneId)?.name,
    issourcenat: ip.isSourceNat,
    ...ctx.owner(ip.accountId),
    forvirtualnetwork: true,
    isstaticnat: false,
    issystem: false,
    associatednetworkid: ip.networkId,
    ...(ip.vpcId ? { vpcid: ip.vpcId, vpcname: ctx.world.vpcs.get(ip.vpcId)?.name } : {}),
    associatednetworkname: net?.name,
    networkid: "0e000000-0000-4000-8000-000000000902",
    state: ip.state,
    purpose: ip.isSourceNat ? "SourceNat" : undefined,
    isportable: false,
    fordisplay: true,
    hasrules: hasRules,
    tags: ctx.tagsOf("PublicIpAddress", ip.id),
  };
}

export function renderFirewallRule(ctx: CloudContext, r: FirewallRuleRecord): Record<string, unknown> {
  const ip = ctx.world.publicIps.get(r.ipId);
  return {
    id: r.id,
    protocol: r.protocol,
    startport: r.startPort,
    endport: r.endPort,
    ipaddressid: r.ipId,
    ipaddress: ip?.address,
    networkid: ip?.networkId,
    state: r.state,
    cidrlist: r.cidrs.join(","),
    fordisplay: true,
    traffictype: "Ingress",
    tags: ctx.tagsOf("FirewallRule", r.id),
  };
}

export function renderPortForwardingRule(ctx: CloudContext, r: PortForwardingRuleRecord): Record<string, unknown> {
  const ip = ctx.world.publicIps.get(r.ipId);
  const vm = ctx.world.vms.get(r.vmId);
  return {
    id: r.id,
    privateport: String(r.privatePort),
    privateendport: String(r.privateEndPort),
    protocol: r.protocol,
    publicport: String(r.publicPort),
    publicendport: String(r.publicEndPort),
    virtualmachineid: r.vmId,
    virtualmachinename: vm?.name,
    virtualmachinedisplayname: vm?.displayName,
    ipaddressid: r.ipId,
    ipaddress: ip?.address,
    state: r.state,
    cidrlist: r.cidrs.join(","),
    vmguestip: r.vmGuestIp,
    networkid: r.networkId,
    fordisplay: true,
    tags: ctx.tagsOf("PortForwardingRule", r.id),
  };
}

export function renderLoadBalancerRule(ctx: CloudContext, r: LoadBalancerRuleRecord): Record<string, unknown> {
  const ip = ctx.world.publicIps.get(r.ipId);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    publicipid: r.ipId,
    publicip: ip?.address,
    publicport: String(r.publicPort),
    privateport: String(r.privatePort),
    algorithm: r.algorithm,
    networkid: r.networkId,
    cidrlist: r.cidrs.join(","),
    ...ctx.owner(r.accountId),
    state: r.state,
    zoneid: r.zoneId,
    zonename: ctx.zone(r.zoneId)?.name,
    protocol: r.protocol,
    fordisplay: true,
    tags: ctx.tagsOf("LoadBalancer", r.id),
  };
}

export function renderIso(ctx: CloudContext, iso: IsoRecord): Record<string, unknown> {
  const zone = iso.zoneId ? ctx.zone(iso.zoneId) : undefined;
  const osType = ctx.seed.osTypes.find((o) => o.id === iso.osTypeId);
  return {
    id: iso.id,
    name: iso.name,
    displaytext: iso.displayText,
    ispublic: iso.isPublic,
    created: iso.created,
    isready: iso.isReady,
    passwordenabled: false,
    format: "ISO",
    bootable: iso.bootable,
    isfeatured: iso.isFeatured,
    crossZones: iso.zoneId === undefined,
    ostypeid: iso.osTypeId,
    ostypename: osType?.description,
    accountid: iso.accountId,
    ...ctx.owner(iso.accountId),
    zoneid: zone?.id,
    zonename: zone?.name,
    status: iso.status,
    size: iso.size,
    physicalsize: iso.size,
    templatetype: "USER",
    isextractable: iso.isExtractable,
    checksum: iso.checksum,
    url: iso.url,
    directdownload: false,
    arch: "x86_64",
    tags: ctx.tagsOf("ISO", iso.id),
  };
}

export function renderKeyPair(ctx: CloudContext, k: KeyPairRecord): Record<string, unknown> {
  return { id: k.id, name: k.name, ...ctx.owner(k.accountId), fingerprint: k.fingerprint };
}

export function renderUserData(ctx: CloudContext, u: UserDataRecord): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    accountid: u.accountId,
    ...ctx.owner(u.accountId),
    userdata: u.userData,
    params: u.params,
  };
}
