// Replacing a running executable (textBusy.ts): what Linux and coreutils do, checked on this machine
// (Linux 6.x, coreutils 9.1): `cp new busy` fails with "Text file busy" (open(2) ETXTBSY), so does a
// shell redirection; `cp -f`, `cp --remove-destination`, `install`, `mv` and `tar -x` replace the
// directory entry and succeed, after which the path is no longer busy.
import { markExecuting, markExited, textBusy } from "../../../simulator/node/textBusy";
import { tgz } from "./tarFixture";
import { shellMachine } from "./helpers";

const NEW = "# kubelet v1.33.1 (cloudstack-sim stand-in)\n";

function busyKubelet() {
  const m = shellMachine();
  m.fs.mkdirp("/opt/bin");
  m.fs.write("/opt/bin/kubelet", "# kubelet v1.32.4 (cloudstack-sim stand-in)\n", { mode: 0o755 });
  m.fs.write("/tmp/kubelet", NEW, { mode: 0o755 });
  markExecuting(m, "/opt/bin/kubelet");
  return m;
}

describe("ETXTBSY on a running executable", () => {
  it("plain cp onto it fails as GNU cp does and leaves it as it was", async () => {
    const m = busyKubelet();
    const r = await m.run("cp /tmp/kubelet /opt/bin/kubelet");
    expect(r).toEqual({ code: 1, stdout: "", stderr: "cp: cannot create regular file '/opt/bin/kubelet': Text file busy\n" });
    expect(m.fs.read("/opt/bin/kubelet")?.toString()).toContain("v1.32.4");
    const intoDir = await m.run("cp /tmp/kubelet /opt/bin/");
    expect(intoDir.stderr).toBe("cp: cannot create regular file '/opt/bin/kubelet': Text file busy\n");
    const redirect = await m.run("cat /tmp/kubelet > /opt/bin/kubelet");
    expect(redirect.code).not.toBe(0);
    expect(redirect.stderr).toContain("/opt/bin/kubelet: Text file busy");
  });

  it.each([
    ["cp -f", "cp -f /tmp/kubelet /opt/bin/kubelet"],
    ["cp --remove-destination", "cp --remove-destination /tmp/kubelet /opt/bin/kubelet"],
    ["install", "install -m 0755 /tmp/kubelet /opt/bin/kubelet"],
    ["mv", "mv /tmp/kubelet /opt/bin/kubelet"],
  ])("%s replaces it; the path is then not busy", async (_name, line) => {
    const m = busyKubelet();
    expect(await m.run(line)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(m.fs.read("/opt/bin/kubelet")?.toString()).toBe(NEW);
    expect(textBusy(m, "/opt/bin/kubelet")).toBe(false);
  });

  it("tar -x unlinks first; once the process exits plain cp works", async () => {
    const m = busyKubelet();
    m.fs.write("/tmp/k.tgz", tgz([{ path: "kubelet", data: NEW, mode: 0o755 }]));
    expect((await m.run("tar -xzf /tmp/k.tgz -C /opt/bin")).code).toBe(0);
    expect(m.fs.read("/opt/bin/kubelet")?.toString()).toBe(NEW);
    markExecuting(m, "/opt/bin/kubelet");
    expect((await m.run("cp /tmp/kubelet /opt/bin/kubelet")).code).toBe(1);
    markExited(m, "/opt/bin/kubelet");
    expect((await m.run("cp /tmp/kubelet /opt/bin/kubelet")).code).toBe(0);
  });
});
