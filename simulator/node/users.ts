// Local accounts as the VM stores them: /etc/passwd, /etc/group, sudoers drop-ins and
// ~/.ssh/authorized_keys. SSH and sudo read these files, so whatever cloud-init wrote is the truth.
import type { NodeFs } from "./types";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

const SUDOERS_DIR = "/etc/sudoers.d";

export function listUsers(fs: NodeFs): PasswdEntry[] {
  const text = fs.read("/etc/passwd")?.toString("utf8") ?? "";
  const users: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 7) continue;
    users.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] });
  }
  return users;
}

export function getUser(fs: NodeFs, name: string): PasswdEntry | undefined {
  return listUsers(fs).find((u) => u.name === name);
}

export function groupExists(fs: NodeFs, name: string): boolean {
  const text = fs.read("/etc/group")?.toString("utf8") ?? "";
  return text.split("\n").some((l) => l.split(":")[0] === name);
}

function addGroup(fs: NodeFs, name: string, gid: number): void {
  if (!groupExists(fs, name)) fs.append("/etc/group", `${name}:x:${gid}:\n`);
}

/** Add `user` to a supplementary group, creating the group if needed (cloud-init does the same). */
export function addToGroup(fs: NodeFs, group: string, user: string): void {
  const text = fs.read("/etc/group")?.toString("utf8") ?? "";
  if (!groupExists(fs, group)) addGroup(fs, group, nextId(text, 1000));
  const lines = (fs.read("/etc/group")?.toString("utf8") ?? "").split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== group || f.length < 4) return l;
    const members = f[3] === "" ? [] : f[3].split(",");
    if (!members.includes(user)) members.push(user);
    return [f[0], f[1], f[2], members.join(",")].join(":");
  });
  fs.write("/etc/group", lines.join("\n"));
}

export function groupsOf(fs: NodeFs, user: string): string[] {
  const text = fs.read("/etc/group")?.toString("utf8") ?? "";
  const entry = getUser(fs, user);
  const out: string[] = [];
  for (const l of text.split("\n")) {
    const f = l.split(":");
    if (f.length < 4) continue;
    if (Number(f[2]) === entry?.gid || f[3].split(",").includes(user)) out.push(f[0]);
  }
  return out;
}

function nextId(text: string, floor: number): number {
  let max = floor - 1;
  for (const l of text.split("\n")) {
    const id = Number(l.split(":")[2]);
    if (Number.isFinite(id) && id >= floor && id < 60000) max = Math.max(max, id);
  }
  return max + 1;
}

export interface NewUser {
  name: string;
  shell?: string;
  home?: string;
  groups?: string[];
  primaryGroup?: string;
  sudo?: string[];
  system?: boolean;
}

/** useradd -m: the user, its primary group and home directory. Returns false when it already existed. */
export function addUser(fs: NodeFs, spec: NewUser): boolean {
  const existing = getUser(fs, spec.name);
  if (!existing) {
    const passwd = fs.read("/etc/passwd")?.toString("utf8") ?? "";
    const uid = nextId(passwd, spec.system ? 100 : 1000);
    const groupName = spec.primaryGroup ?? spec.name;
    const groupText = fs.read("/etc/group")?.toString("utf8") ?? "";
    addGroup(fs, groupName, nextId(groupText, spec.system ? 100 : 1000));
    const gidLine = (fs.read("/etc/group")?.toString("utf8") ?? "").split("\n").find((l) => l.split(":")[0] === groupName);
    const gid = Number(gidLine?.split(":")[2] ?? uid);
    const home = spec.home ?? `/home/${spec.name}`;
    fs.append("/etc/passwd", `${spec.name}:x:${uid}:${gid}::${home}:${spec.shell ?? "/bin/sh"}\n`);
    fs.append("/etc/shadow", `${spec.name}:!:19700:0:99999:7:::\n`);
    if (!spec.system) {
      fs.mkdirp(home, 0o755);
      fs.chown(home, spec.name, groupName);
    }
  }
  for (const g of spec.groups ?? []) addToGroup(fs, g, spec.name);
  if (spec.sudo && spec.sudo.length > 0) {
    fs.mkdirp(SUDOERS_DIR, 0o750);
    const rules = spec.sudo.map((r) => `${spec.name} ${r}\n`).join("");
    fs.append(`${SUDOERS_DIR}/90-cloud-init-users`, rules);
    fs.chmod(`${SUDOERS_DIR}/90-cloud-init-users`, 0o440);
  }
  return !existing;
}

/** True when a sudoers rule lets `user` run anything as root without a password. */
export function hasPasswordlessSudo(fs: NodeFs, user: string): boolean {
  if (user === "root") return true;
  const files = ["/etc/sudoers", ...(fs.list(SUDOERS_DIR) ?? []).map((n) => `${SUDOERS_DIR}/${n}`)];
  const groups = groupsOf(fs, user);
  for (const file of files) {
    for (const raw of (fs.read(file)?.toString("utf8") ?? "").split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const [who, ...rest] = line.split(/\s+/);
      const rule = rest.join(" ");
      const applies = who === user || (who.startsWith("%") && groups.includes(who.slice(1)));
      if (applies && /NOPASSWD:\s*ALL\s*$/.test(rule)) return true;
    }
  }
  return false;
}

export function authorizedKeysPath(fs: NodeFs, user: string): string | undefined {
  const entry = getUser(fs, user);
  return entry ? `${entry.home}/.ssh/authorized_keys` : undefined;
}

/** Append keys to ~user/.ssh/authorized_keys with sshd's required modes (0700 dir, 0600 file). */
export function authorizeKeys(fs: NodeFs, user: string, keys: string[]): void {
  const entry = getUser(fs, user);
  if (!entry || keys.length === 0) return;
  const group = listGroupName(fs, entry.gid) ?? user;
  const dir = `${entry.home}/.ssh`;
  fs.mkdirp(dir, 0o700);
  fs.chown(dir, user, group);
  fs.chmod(dir, 0o700);
  const file = `${dir}/authorized_keys`;
  const present = new Set((fs.read(file)?.toString("utf8") ?? "").split("\n").map((l) => l.trim()));
  const fresh = keys.map((k) => k.trim()).filter((k) => k !== "" && !present.has(k));
  if (fresh.length > 0) fs.append(file, fresh.join("\n") + "\n");
  if (fs.exists(file)) {
    fs.chmod(file, 0o600);
    fs.chown(file, user, group);
  }
}

export function listGroupName(fs: NodeFs, gid: number): string | undefined {
  const text = fs.read("/etc/group")?.toString("utf8") ?? "";
  return text.split("\n").map((l) => l.split(":")).find((f) => f.length >= 3 && Number(f[2]) === gid)?.[0];
}

export function readAuthorizedKeys(fs: NodeFs, user: string): string[] {
  const path = authorizedKeysPath(fs, user);
  if (!path) return [];
  return (fs.read(path)?.toString("utf8") ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
