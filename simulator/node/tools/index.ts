// Every base tool of the template, registered on a command table under the name its stand-in declares.
import { cloudInitTool } from "../cloudinit/statusTool";
import type { CommandTable } from "../types";
import { ARCHIVE_TOOLS } from "./archive";
import { CONTAINERD_TOOLS } from "./containerd";
import { containerdHook } from "./containerdService";
import { curl } from "./curl";
import { FILE_TOOLS } from "./files";
import { MEDIA_TOOLS } from "./media";
import { SYSTEM_TOOLS } from "./system";
import { TEXT_TOOLS } from "./text";

export function installBaseTools(table: CommandTable): void {
  for (const group of [FILE_TOOLS, TEXT_TOOLS, SYSTEM_TOOLS, ARCHIVE_TOOLS, MEDIA_TOOLS, CONTAINERD_TOOLS]) {
    for (const [name, command] of Object.entries(group)) table.register(name, command);
  }
  table.register("cloud-init", cloudInitTool);
  table.register("curl", curl);
  table.registerService("containerd", containerdHook);
}
