// CloudStackClient: the typed commands the provider uses. Each method takes the command's
// parameters (lowercase CloudStack names) and returns the zod-validated entity or entity list;
// list methods return every page.
import { z } from "zod";
import { CloudStackApi, type RequestOptions } from "./client-core";
import type { CommandParams, ParamRecordList } from "./encoding";
import { CloudStackResponseError } from "./errors";
import { listFrom } from "./paging";
import {
  AsyncJobSchema,
  CniConfigurationSchema,
  DiskOfferingSchema,
  FirewallRuleSchema,
  IsoSchema,
  LoadBalancerRuleSchema,
  NetworkOfferingSchema,
  NetworkSchema,
  PortForwardingRuleSchema,
  PublicIpAddressSchema,
  ServiceOfferingSchema,
  SshKeyPairSchema,
  SuccessSchema,
  TagSchema,
  TemplateSchema,
  UserDataSchema,
  VirtualMachineSchema,
  ZoneSchema,
  type AsyncJob,
  type CniConfiguration,
  type DiskOffering,
  type FirewallRule,
  type Iso,
  type LoadBalancerRule,
  type Network,
  type NetworkOffering,
  type PortForwardingRule,
  type PublicIpAddress,
  type ServiceOffering,
  type SshKeyPair,
  type SuccessResponse,
  type Tag,
  type Template,
  type UserData,
  type VirtualMachine,
  type Zone,
} from "./schemas";

/** Parameters with some names required (the rest stay optional and untyped beyond ParamValue). */
export type ParamsWith<Required extends Record<string, unknown>> = CommandParams & Required;
type Port = number | string;
type IdParams = ParamsWith<{ id: string }>;

export class CloudStackClient extends CloudStackApi {
  // --- catalog -------------------------------------------------------------------------------
  listZones(params: CommandParams = {}, opts?: RequestOptions): Promise<Zone[]> {
    return this.all("listZones", params, "zone", ZoneSchema, opts);
  }
  listServiceOfferings(params: CommandParams = {}, opts?: RequestOptions): Promise<ServiceOffering[]> {
    return this.all("listServiceOfferings", params, "serviceoffering", ServiceOfferingSchema, opts);
  }
  listDiskOfferings(params: CommandParams = {}, opts?: RequestOptions): Promise<DiskOffering[]> {
    return this.all("listDiskOfferings", params, "diskoffering", DiskOfferingSchema, opts);
  }
  listNetworkOfferings(params: CommandParams = {}, opts?: RequestOptions): Promise<NetworkOffering[]> {
    return this.all("listNetworkOfferings", params, "networkoffering", NetworkOfferingSchema, opts);
  }
  listTemplates(params: ParamsWith<{ templatefilter: string }>, opts?: RequestOptions): Promise<Template[]> {
    return this.all("listTemplates", params, "template", TemplateSchema, opts);
  }

  // --- ISOs ----------------------------------------------------------------------------------
  listIsos(params: CommandParams = {}, opts?: RequestOptions): Promise<Iso[]> {
    return this.all("listIsos", params, "iso", IsoSchema, opts);
  }
  /** Synchronous; CloudStack answers a one-element list (`count: 1`). */
  async registerIso(params: ParamsWith<{ name: string; url: string; zoneid: string }>, opts?: RequestOptions): Promise<Iso> {
    const response = await this.request("registerIso", params, opts);
    const [iso] = listFrom(response, "iso");
    return this.parse("registerIso", IsoSchema, iso ?? response.iso);
  }
  deleteIso(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteIso", params, opts);
  }
  attachIso(params: ParamsWith<{ id: string; virtualmachineid: string }>, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("attachIso", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  detachIso(params: ParamsWith<{ virtualmachineid: string }>, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("detachIso", params, "virtualmachine", VirtualMachineSchema, opts);
  }

  // --- virtual machines ----------------------------------------------------------------------
  deployVirtualMachine(params: ParamsWith<{ zoneid: string; serviceofferingid: string }>, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("deployVirtualMachine", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  startVirtualMachine(params: IdParams, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("startVirtualMachine", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  stopVirtualMachine(params: IdParams, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("stopVirtualMachine", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  rebootVirtualMachine(params: IdParams, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("rebootVirtualMachine", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  destroyVirtualMachine(params: IdParams, opts?: RequestOptions): Promise<VirtualMachine> {
    return this.one("destroyVirtualMachine", params, "virtualmachine", VirtualMachineSchema, opts);
  }
  expungeVirtualMachine(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("expungeVirtualMachine", params, opts);
  }
  listVirtualMachines(params: CommandParams = {}, opts?: RequestOptions): Promise<VirtualMachine[]> {
    return this.all("listVirtualMachines", params, "virtualmachine", VirtualMachineSchema, opts);
  }

  // --- networks and public IPs ---------------------------------------------------------------
  createNetwork(params: ParamsWith<{ name: string; networkofferingid: string; zoneid: string }>, opts?: RequestOptions): Promise<Network> {
    return this.one("createNetwork", params, "network", NetworkSchema, opts);
  }
  deleteNetwork(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteNetwork", params, opts);
  }
  listNetworks(params: CommandParams = {}, opts?: RequestOptions): Promise<Network[]> {
    return this.all("listNetworks", params, "network", NetworkSchema, opts);
  }
  /** Async-create; the entity key is `ipaddress` (lists use `publicipaddress`). */
  associateIpAddress(params: CommandParams, opts?: RequestOptions): Promise<PublicIpAddress> {
    return this.one("associateIpAddress", params, "ipaddress", PublicIpAddressSchema, opts);
  }
  disassociateIpAddress(params: CommandParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("disassociateIpAddress", params, opts);
  }
  listPublicIpAddresses(params: CommandParams = {}, opts?: RequestOptions): Promise<PublicIpAddress[]> {
    return this.all("listPublicIpAddresses", params, "publicipaddress", PublicIpAddressSchema, opts);
  }

  // --- firewall, port forwarding, load balancing ---------------------------------------------
  createFirewallRule(params: ParamsWith<{ ipaddressid: string; protocol: string }>, opts?: RequestOptions): Promise<FirewallRule> {
    return this.one("createFirewallRule", params, "firewallrule", FirewallRuleSchema, opts);
  }
  deleteFirewallRule(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteFirewallRule", params, opts);
  }
  listFirewallRules(params: CommandParams = {}, opts?: RequestOptions): Promise<FirewallRule[]> {
    return this.all("listFirewallRules", params, "firewallrule", FirewallRuleSchema, opts);
  }
  createPortForwardingRule(
    params: ParamsWith<{ ipaddressid: string; privateport: Port; publicport: Port; protocol: string; virtualmachineid: string }>,
    opts?: RequestOptions,
  ): Promise<PortForwardingRule> {
    return this.one("createPortForwardingRule", params, "portforwardingrule", PortForwardingRuleSchema, opts);
  }
  deletePortForwardingRule(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deletePortForwardingRule", params, opts);
  }
  listPortForwardingRules(params: CommandParams = {}, opts?: RequestOptions): Promise<PortForwardingRule[]> {
    return this.all("listPortForwardingRules", params, "portforwardingrule", PortForwardingRuleSchema, opts);
  }
  /** Async-create; the entity key is `loadbalancer` (lists use `loadbalancerrule`). */
  createLoadBalancerRule(
    params: ParamsWith<{ algorithm: string; name: string; privateport: Port; publicport: Port }>,
    opts?: RequestOptions,
  ): Promise<LoadBalancerRule> {
    return this.one("createLoadBalancerRule", params, "loadbalancer", LoadBalancerRuleSchema, opts);
  }
  assignToLoadBalancerRule(
    params: ParamsWith<{ id: string; virtualmachineids?: readonly string[]; vmidipmap?: ParamRecordList }>,
    opts?: RequestOptions,
  ): Promise<SuccessResponse> {
    return this.success("assignToLoadBalancerRule", params, opts);
  }
  removeFromLoadBalancerRule(
    params: ParamsWith<{ id: string; virtualmachineids?: readonly string[]; vmidipmap?: ParamRecordList }>,
    opts?: RequestOptions,
  ): Promise<SuccessResponse> {
    return this.success("removeFromLoadBalancerRule", params, opts);
  }
  deleteLoadBalancerRule(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteLoadBalancerRule", params, opts);
  }
  listLoadBalancerRules(params: CommandParams = {}, opts?: RequestOptions): Promise<LoadBalancerRule[]> {
    return this.all("listLoadBalancerRules", params, "loadbalancerrule", LoadBalancerRuleSchema, opts);
  }

  // --- tags ----------------------------------------------------------------------------------
  createTags(
    params: ParamsWith<{ tags: Readonly<Record<string, string>>; resourcetype: string; resourceids: readonly string[] | string }>,
    opts?: RequestOptions,
  ): Promise<SuccessResponse> {
    return this.success("createTags", params, opts);
  }
  deleteTags(params: ParamsWith<{ resourcetype: string; resourceids: readonly string[] | string }>, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteTags", params, opts);
  }
  listTags(params: CommandParams = {}, opts?: RequestOptions): Promise<Tag[]> {
    return this.all("listTags", params, "tag", TagSchema, opts);
  }

  // --- SSH key pairs, userdata, CNI configurations -------------------------------------------
  /** Entity key `keypair` (lists use `sshkeypair`). */
  registerSSHKeyPair(params: ParamsWith<{ name: string; publickey: string }>, opts?: RequestOptions): Promise<SshKeyPair> {
    return this.one("registerSSHKeyPair", params, "keypair", SshKeyPairSchema, opts);
  }
  deleteSSHKeyPair(params: ParamsWith<{ name: string }>, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteSSHKeyPair", params, opts);
  }
  listSSHKeyPairs(params: CommandParams = {}, opts?: RequestOptions): Promise<SshKeyPair[]> {
    return this.all("listSSHKeyPairs", params, "sshkeypair", SshKeyPairSchema, opts);
  }
  registerUserData(params: ParamsWith<{ name: string; userdata: string }>, opts?: RequestOptions): Promise<UserData> {
    return this.one("registerUserData", params, "userdata", UserDataSchema, opts);
  }
  listUserData(params: CommandParams = {}, opts?: RequestOptions): Promise<UserData[]> {
    return this.all("listUserData", params, "userdata", UserDataSchema, opts);
  }
  deleteUserData(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteUserData", params, opts);
  }
  registerCniConfiguration(params: ParamsWith<{ name: string }>, opts?: RequestOptions): Promise<CniConfiguration> {
    return this.one("registerCniConfiguration", params, "cniconfig", CniConfigurationSchema, opts);
  }
  listCniConfiguration(params: CommandParams = {}, opts?: RequestOptions): Promise<CniConfiguration[]> {
    return this.all("listCniConfiguration", params, "cniconfig", CniConfigurationSchema, opts);
  }
  deleteCniConfiguration(params: IdParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.success("deleteCniConfiguration", params, opts);
  }

  // --- async jobs ----------------------------------------------------------------------------
  async queryAsyncJobResult(params: ParamsWith<{ jobid: string }>, opts?: RequestOptions): Promise<AsyncJob> {
    return this.parse("queryAsyncJobResult", AsyncJobSchema, await this.request("queryAsyncJobResult", params, opts));
  }

  // --- helpers -------------------------------------------------------------------------------
  private async one<S extends z.ZodType>(command: string, params: CommandParams, entityKey: string, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    const response = await this.request(command, params, opts);
    return this.parse(command, schema, response[entityKey]);
  }

  private async all<S extends z.ZodType>(command: string, params: CommandParams, entityKey: string, schema: S, opts?: RequestOptions): Promise<Array<z.output<S>>> {
    const items = await this.listAll(command, params, entityKey, opts);
    return this.parse(command, z.array(schema), items);
  }

  /** A delete-style result; `request` has already turned `success: false` into a CloudStackError. */
  private async success(command: string, params: CommandParams, opts?: RequestOptions): Promise<SuccessResponse> {
    return this.parse(command, SuccessSchema, await this.request(command, params, opts));
  }

  private parse<S extends z.ZodType>(command: string, schema: S, value: unknown): z.output<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Paths and messages only: the values may be secrets (userdata, private keys).
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new CloudStackResponseError(command, problems.join("; "));
  }
}
