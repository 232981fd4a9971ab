// Loads a CniConfiguration (registerCniConfiguration, or registerUserData on clouds without the CNI
// API), renders its {{ VARIABLE }} placeholders with cniConfigDetails, and splits off its runcmd.
import { splitCloudConfigRunCmd } from "../../kubernetes/cniTemplate";
import { renderCniTemplate } from "../../kubernetes/cniValues";
import type { CloudApi } from "../cloudApi";
import { isUnknownCommandError } from "../cloudErrors";
import { parseList, UserDataSchema } from "../entities";
import { listAllOrGone } from "../listGone";

export async function fetchCniUserData(api: CloudApi, id: string): Promise<{ userdata: string; apiKind: "cniConfiguration" | "userData" } | undefined> {
  try {
    const found = parseList(UserDataSchema, await listAllOrGone(api, "listCniConfiguration", { id, listall: true }, "cniconfig"), "listCniConfiguration");
    if (found[0]?.userdata) return { userdata: found[0].userdata, apiKind: "cniConfiguration" };
  } catch (err) {
    if (!isUnknownCommandError(err)) throw err;
  }
  const found = parseList(UserDataSchema, await listAllOrGone(api, "listUserData", { id, listall: true }, "userdata"), "listUserData");
  if (found[0]?.userdata) return { userdata: found[0].userdata, apiKind: "userData" };
  return undefined;
}

export async function loadCniConfiguration(api: CloudApi, id: string, details: Record<string, string>, asNumber?: number): Promise<{ cloudConfig: string; runcmd: string[] }> {
  const found = await fetchCniUserData(api, id);
  if (!found) throw new Error(`cniConfigurationId: CNI configuration ${id} was not found`);
  const text = Buffer.from(found.userdata, "base64").toString("utf8");
  // CKS substitutes {{ AS_NUMBER }} itself (cks-behaviour.md §4.2 step 6).
  const values = asNumber !== undefined ? { AS_NUMBER: String(asNumber), ...details } : details;
  let rendered: string;
  try {
    rendered = renderCniTemplate(text, values);
  } catch (err) {
    throw new Error(`cniConfigDetails: ${(err as Error).message}`);
  }
  const { withoutRunCmd, runcmd } = splitCloudConfigRunCmd(rendered);
  const cloudConfig = withoutRunCmd.startsWith("#cloud-config") ? withoutRunCmd : `#cloud-config\n${withoutRunCmd}`;
  return { cloudConfig, runcmd };
}
