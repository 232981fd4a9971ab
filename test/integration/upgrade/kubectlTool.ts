// Real kubectl against a cluster's endpoint, with its kubeconfig output written to a 0600 temp file.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export async function kubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    return await new Promise((resolve, reject) => {
      const child = execFile("/usr/bin/kubectl", ["--kubeconfig", file, "--request-timeout=20s", ...args], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`kubectl ${args.join(" ")}: ${errOut || err.message}`)) : resolve(out),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.k8s.io/pause:3.10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: default
spec:
  minAvailable: 2
  selector:
    matchLabels: { app: web }
`;
