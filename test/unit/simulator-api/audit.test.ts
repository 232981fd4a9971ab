import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditLog, isSecretParam, redactParams } from "../../../simulator/audit";

describe("redaction", () => {
  test("secrets are replaced, ordinary parameters and public keys kept", () => {
    expect(
      redactParams({
        secretkey: "s",
        signature: "sig",
        password: "p",
        userdata: "dWQ=",
        dockerregistrypassword: "r",
        cniconfig: "c",
        "details[0].password": "x",
        publickey: "ssh-ed25519 AAAA",
        name: "web-1",
      }),
    ).toEqual({
      secretkey: "[redacted]",
      signature: "[redacted]",
      password: "[redacted]",
      userdata: "[redacted]",
      dockerregistrypassword: "[redacted]",
      cniconfig: "[redacted]",
      "details[0].password": "[redacted]",
      publickey: "ssh-ed25519 AAAA",
      name: "web-1",
    });
    expect(isSecretParam("UserData")).toBe(true);
    expect(isSecretParam("userdataid")).toBe(false);
  });
});

describe("AuditLog", () => {
  test("records in order, filters, redacts at the sink and appends JSON lines to a file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-test-"));
    const file = path.join(dir, "audit.jsonl");
    const log = new AuditLog({ file });
    log.record({ kind: "api", command: "listZones", params: { name: "z" }, status: 200, start: 1, end: 2 });
    log.record({ kind: "node", command: "kubeadm", node: "n1", argv: ["kubeadm", "init"], status: 0, start: 3, end: 4 });
    log.record({ kind: "api", command: "deployVirtualMachine", params: { password: "hunter2" }, status: 200, jobid: "j1", start: 5, end: 6 });
    log.record({ kind: "job", command: "deployVirtualMachine", jobid: "j1", status: "succeeded", start: 5, end: 9 });
    expect(log.records().map((r) => r.kind)).toEqual(["api", "node", "api", "job"]);
    expect(log.records({ kind: "api" })).toHaveLength(2);
    expect(log.records({ jobid: "j1" })).toHaveLength(2);
    expect(log.records({ node: "n1" })[0].argv).toEqual(["kubeadm", "init"]);
    expect(log.records((r) => r.command === "deployVirtualMachine" && r.kind === "job")).toHaveLength(1);
    expect(log.records({ kind: "api", command: "deployVirtualMachine" })[0].params).toEqual({ password: "[redacted]" });
    log.close();
    const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { command: string });
    expect(lines.map((l) => l.command)).toEqual(["listZones", "kubeadm", "deployVirtualMachine", "deployVirtualMachine"]);
    expect(fs.readFileSync(file, "utf8")).not.toContain("hunter2");
    log.clear();
    expect(log.records()).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("returned records are copies of the list (callers cannot truncate the log)", () => {
    const log = new AuditLog();
    log.record({ kind: "api", command: "a", status: 200, start: 0, end: 0 });
    log.records().pop();
    expect(log.records()).toHaveLength(1);
  });
});
