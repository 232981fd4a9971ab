// Shared state and services of one cloud instance: the world, the seed catalogue, accounts, access
// checks, tag lookups and background work. Handlers receive it; nothing here speaks HTTP.
import type { Caller, CloudOptions, Params } from "../contracts";
import { RuleListeners } from "./listeners";
import type { TagRecord, World } from "./model";
import type { Seed } from "./seed";
import { csDate, internalError, invalidValue, newUuid, paramError, permissionDenied } from "./util";

export interface AccountInfo {
  id: string;
  name: string;
  isAdmin: boolean;
}

/** Resource types that can carry tags, by their lowercase name (resourcetype is case-insensitive). */
export const TAGGABLE: Record<string, string> = {
  uservm: "UserVm",
  iso: "ISO",
  network: "Network",
  publicipaddress: "PublicIpAddress",
  firewallrule: "FirewallRule",
  portforwardingrule: "PortForwardingRule",
  loadbalancer: "LoadBalancer",
  userdata: "UserData",
  template: "Template",
  // ResourceTag.ResourceObjectType in apache/cloudstack api/src/main/java/com/cloud/server/ResourceTag.java.
  vpc: "Vpc",
  networkacl: "NetworkACL",
};

export class CloudContext {
  readonly listeners = new RuleListeners();
  readonly accounts = new Map<string, AccountInfo>();
  /** Background work (ISO downloads, restore boots) awaited by close(). */
  readonly background = new Set<Promise<unknown>>();
  /** Aborted by close(): background sleeps (ISO downloads, delayed expunge) end at once. */
  readonly shutdown = new AbortController();
  closed = false;

  constructor(
    public world: World,
    public readonly seed: Seed,
    public readonly options: CloudOptions,
  ) {
    for (const a of seed.accounts) this.accounts.set(a.id, { id: a.id, name: a.name, isAdmin: a.isAdmin });
  }

  get domain(): Seed["domain"] {
    return this.seed.domain;
  }

  uuid(): string {
    return newUuid(this.options.random);
  }

  now(): string {
    return csDate(this.options.clock.now());
  }

  setting(name: string): string | undefined {
    return this.seed.settings[name];
  }

  settingBool(name: string): boolean {
    return (this.setting(name) ?? "false").toLowerCase() === "true";
  }

  accountName(accountId: string | undefined): string | undefined {
    return accountId === undefined ? undefined : this.accounts.get(accountId)?.name;
  }

  /** Ownership fields every owned response carries. */
  owner(accountId: string | undefined): Record<string, unknown> {
    return {
      account: this.accountName(accountId),
      domainid: this.domain.id,
      domain: this.domain.name,
      domainpath: this.domain.path,
    };
  }

  zone(id: string) {
    return this.seed.zones.find((z) => z.id === id);
  }

  zoneOrThrow(command: string, param: string, id: string) {
    const z = this.zone(id);
    if (!z) throw invalidValue(command, param, id);
    return z;
  }

  /**
   * The list filter for owned resources: users see their own; admins see their own unless
   * listall=true, or the account named by `account`.
   */
  listScope(caller: Caller, params: Params): (accountId: string | undefined) => boolean {
    const accountName = params["account"];
    if (caller.isAdmin) {
      if (accountName !== undefined) return (id) => this.accountName(id) === accountName;
      if ((params["listall"] ?? "").toLowerCase() === "true") return () => true;
    } else if (accountName !== undefined && accountName !== caller.accountName) {
      throw permissionDenied(`Account ${caller.accountName} does not have permission to list resources of account ${accountName}`);
    }
    return (id) => id === caller.accountId;
  }

  /** The account a create command acts for (admins may pass account + domainid). */
  actingAccount(caller: Caller, params: Params): string {
    const name = params["account"];
    if (name === undefined || name === caller.accountName) return caller.accountId;
    if (!caller.isAdmin) throw permissionDenied(`Account ${caller.accountName} does not have permission to act for account ${name}`);
    const acc = [...this.accounts.values()].find((a) => a.name === name);
    if (!acc) throw paramError(`Unable to find account ${name} in domain ${params["domainid"] ?? this.domain.id}`);
    return acc.id;
  }

  /** Look an owned entity up by id: unknown → 431 (as the parameter check does), foreign → 531. */
  owned<T extends { accountId?: string }>(
    map: Map<string, T>,
    caller: Caller,
    command: string,
    param: string,
    id: string,
  ): T {
    const item = map.get(id);
    if (!item) throw invalidValue(command, param, id);
    if (!caller.isAdmin && item.accountId !== undefined && item.accountId !== caller.accountId) {
      throw permissionDenied(`Account ${caller.accountName} does not have permission to operate on the resource ${id}`);
    }
    return item;
  }

  /**
   * The UUID filters of a list command must name entities that exist or once existed: CloudStack
   * resolves each UUID parameter before the command runs and answers 431 for one it cannot find
   * (server/src/main/java/com/cloud/api/dispatch/ParamProcessWorker.java, translateUuidToInternalId,
   * which searches removed rows too). `known` maps a parameter to the collections its entity lives in.
   */
  checkListIds(command: string, params: Params, known: Record<string, ReadonlyArray<ReadonlyMap<string, unknown> | ReadonlyArray<{ id: string }>>>): void {
    for (const [param, sources] of Object.entries(known)) {
      const id = params[param];
      if (id === undefined || id === "" || id === "-1") continue;
      const maps = sources.map((s) => (s instanceof Map ? s : new Map((s as ReadonlyArray<{ id: string }>).map((x) => [x.id, x]))));
      if (!this.world.everExisted(id, ...maps)) throw invalidValue(command, param, id);
    }
  }

  /**
   * The world's tags by resource, rebuilt when the tag list changes (every change replaces the array
   * or grows it). Rendering and tag-filtering a list then cost O(items), not O(items × all tags): with
   * 1000 VMs and 3000 tags a tag-filtered listVirtualMachines took 0.5 s (npm run bench -- --sim-vms).
   */
  private tagIndex?: { tags: readonly TagRecord[]; length: number; byResource: Map<string, TagRecord[]> };

  private tagsFor(resourceType: string, resourceId: string): readonly TagRecord[] {
    const tags = this.world.tags;
    let index = this.tagIndex;
    if (!index || index.tags !== tags || index.length !== tags.length) {
      const byResource = new Map<string, TagRecord[]>();
      for (const t of tags) {
        const key = `${t.resourceType}\u0000${t.resourceId}`;
        const list = byResource.get(key);
        if (list) list.push(t);
        else byResource.set(key, [t]);
      }
      index = { tags, length: tags.length, byResource };
      this.tagIndex = index;
    }
    return index.byResource.get(`${resourceType}\u0000${resourceId}`) ?? [];
  }

  tagsOf(resourceType: string, resourceId: string): Record<string, unknown>[] {
    return this.tagsFor(resourceType, resourceId)
      .map((t) => ({
        key: t.key,
        value: t.value,
        resourcetype: t.resourceType,
        resourceid: t.resourceId,
        ...this.owner(t.accountId),
        customer: t.customer,
      }));
  }

  /**
   * The `tags[i].key/value` filter of list commands: OR-ed (§6.1), a key without a value is 431.
   * Returns undefined when no tag filter was given.
   */
  tagFilter(params: Params, resourceType: string): ((resourceId: string) => boolean) | undefined {
    const pairs = new Map<string, { key?: string; value?: string }>();
    for (const [k, v] of Object.entries(params)) {
      const m = /^tags\[(\d+)\]\.(key|value)$/.exec(k);
      if (!m) continue;
      const p = pairs.get(m[1]) ?? {};
      p[m[2] as "key" | "value"] = v;
      pairs.set(m[1], p);
    }
    if (pairs.size === 0) return undefined;
    const wanted: { key: string; value: string }[] = [];
    for (const p of pairs.values()) {
      if (p.key === undefined) continue;
      if (p.value === undefined || p.value === "") throw paramError(`No value is passed in for key ${p.key}`);
      wanted.push({ key: p.key, value: p.value });
    }
    return (id) => this.tagsFor(resourceType, id).some((t) => wanted.some((w) => w.key === t.key && w.value === t.value));
  }

  removeTagsOf(resourceType: string, resourceId: string): void {
    this.world.tags = this.world.tags.filter((t) => !(t.resourceType === resourceType && t.resourceId === resourceId));
  }

  /**
   * A realistic-duration sleep inside a job: close() cuts it short and the job fails with 530, so no
   * job touches the node runtime after shutdown.
   */
  async sleep(realisticMs: number): Promise<void> {
    try {
      await this.options.clock.sleep(realisticMs, this.shutdown.signal);
    } catch {
      throw internalError("The simulator is shutting down");
    }
    if (this.closed) throw internalError("The simulator is shutting down");
  }

  /** A realistic-duration sleep for background work, cut short by close(). */
  backgroundSleep(realisticMs: number): Promise<void> {
    return this.options.clock.sleep(realisticMs, this.shutdown.signal);
  }

  /** Run work in the background, tracked so close() can wait for it; errors are swallowed by design. */
  spawn(work: () => Promise<unknown>): void {
    const p = work().catch(() => undefined);
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }
}

/** Common list filters: id, ids, keyword over name-ish fields. */
export function basicFilter(params: Params, item: { id: string }, names: (string | undefined)[]): boolean {
  if (params["id"] !== undefined && params["id"] !== item.id) return false;
  if (params["ids"] !== undefined && !params["ids"].split(",").includes(item.id)) return false;
  const kw = params["keyword"];
  if (kw !== undefined && !names.some((n) => (n ?? "").toLowerCase().includes(kw.toLowerCase()))) return false;
  return true;
}
