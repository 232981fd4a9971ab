// The binaries ISO's manifest.json (docs/binaries-iso.md): the installer reads every file name from it
// instead of guessing from globs, and refuses an ISO of another Kubernetes version.
import { z } from "zod";

const version = z.string().regex(/^\d+\.\d+\.\d+$/, "expected a version like 1.31.4 (no leading v)");
// Paths are relative to the ISO root and may not climb out of it.
const isoRelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path inside the ISO");

/** zod schema of manifest.json. */
export const isoManifestSchema = z.object({
  kubernetesVersion: version,
  arch: z.enum(["amd64", "arm64"]),
  cniPluginsVersion: version,
  crictlVersion: version,
  etcdVersion: version.optional(),
  files: z.object({
    kubeadm: isoRelativePath,
    kubelet: isoRelativePath,
    kubectl: isoRelativePath,
    cniPlugins: isoRelativePath,
    crictl: isoRelativePath,
    kubeletService: isoRelativePath,
    kubeadmDropIn: isoRelativePath,
    networkManifest: isoRelativePath,
    dashboardManifest: isoRelativePath,
    etcd: isoRelativePath.optional(),
  }),
  images: z.array(z.object({ name: z.string().min(1), file: isoRelativePath })),
});

/** A validated manifest.json. */
export type IsoManifest = z.infer<typeof isoManifestSchema>;

/** Thrown when manifest.json is not JSON or does not match the schema; `field` is the first bad path. */
export class IsoManifestError extends Error {
  constructor(message: string, public readonly field?: string) {
    super(message);
    this.name = "IsoManifestError";
  }
}

/**
 * Parses and validates manifest.json. With `expectedVersion`, an ISO of another Kubernetes version is
 * refused. Errors name the offending field (e.g. `files.kubeadm`).
 */
export function parseIsoManifest(text: string, expectedVersion?: string): IsoManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new IsoManifestError(`ISO manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = isoManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issue.path.map(String).join(".") || "(root)" : "(root)";
    throw new IsoManifestError(`ISO manifest.json: field ${field}: ${issue?.message ?? "invalid"}`, field);
  }
  const manifest = parsed.data;
  if ((manifest.etcdVersion === undefined) !== (manifest.files.etcd === undefined)) {
    throw new IsoManifestError("ISO manifest.json: field files.etcd: etcdVersion and files.etcd must be given together", "files.etcd");
  }
  if (expectedVersion !== undefined) {
    const want = expectedVersion.replace(/^v/, "");
    if (manifest.kubernetesVersion !== want) {
      throw new IsoManifestError(
        `ISO manifest.json: field kubernetesVersion: the ISO carries Kubernetes ${manifest.kubernetesVersion}, expected ${want}; attach the ISO of the requested version`,
        "kubernetesVersion",
      );
    }
  }
  return manifest;
}
