// Facts about individual commands that the wire format does not reveal by itself.

/** Response keys that deviate from `lowercase(command) + "response"` (reference §2.1). */
const RESPONSE_KEY_OVERRIDES: Readonly<Record<string, string>> = {
  resetSSHKeyForVirtualMachine: "resetSSHKeyforvirtualmachineresponse",
};

export function responseKeyFor(command: string): string {
  return RESPONSE_KEY_OVERRIDES[command] ?? `${command.toLowerCase()}response`;
}

/** CloudStack's own rule for commands that may be sent by GET (`ApiServer`, reference §1.3). */
const READ_ONLY = /^(get|list|query|find)\w+$/i;

export function isReadOnlyCommand(command: string): boolean {
  return READ_ONLY.test(command);
}

/** Parameters that force POST: they can exceed GET's 4096-character limit or are passwords. */
const POST_ONLY_PARAMS = ["userdata", "password", "dockerregistrypassword", "cniconfig"];

/**
 * GET for read-only commands (cacheable, and safe to retry), POST for everything else and whenever a
 * large or secret value is present (it then travels in the body, not in URLs that proxies log).
 */
export function httpMethodFor(command: string, wireParams: Readonly<Record<string, string>>): "GET" | "POST" {
  if (!isReadOnlyCommand(command)) return "POST";
  return POST_ONLY_PARAMS.some((name) => name in wireParams) ? "POST" : "GET";
}

/**
 * Commands whose result is a `SuccessResponse` (`{success, displaytext}`), from
 * reference/cloudstack-api.json (`responseObject: SuccessResponse`, `responseShape: success`; the
 * classes under api/src/main/java/org/apache/cloudstack/api/command/ in apache/cloudstack).
 * `deleteUserData` (DeleteUserDataCmd, 4.18) answers the same way. CloudStack can answer HTTP 200 with
 * `success: false` (e.g. DeleteSSHKeyPairCmd passes on the service's boolean), so the client checks it.
 * `registerCniConfiguration` is not here: it answers a `cniconfig` entity despite its annotation.
 */
const SUCCESS_COMMANDS: ReadonlySet<string> = new Set([
  "addVirtualMachinesToKubernetesCluster",
  "assignToLoadBalancerRule",
  "createTags",
  "deleteCniConfiguration",
  "deleteFirewallRule",
  "deleteIso",
  "deleteKubernetesCluster",
  "deleteKubernetesSupportedVersion",
  "deleteLoadBalancerRule",
  "deleteAffinityGroup",
  "deleteNetwork",
  "deleteNetworkACL",
  "deleteNetworkACLList",
  "deletePortForwardingRule",
  "deleteSSHKeyPair",
  "deleteTags",
  "deleteUserData",
  "disassociateIpAddress",
  "expungeVirtualMachine",
  "removeFromLoadBalancerRule",
  "replaceNetworkACLList",
  "stopKubernetesCluster",
]);

export function returnsSuccess(command: string): boolean {
  return SUCCESS_COMMANDS.has(command);
}
