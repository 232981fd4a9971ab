// Writes the simulator's set of binaries ISOs to a directory: five consecutive minors plus a second
// patch of one of them (for patch upgrades), each with etcd. Files already there with the right bytes
// are left alone, so a restart costs a hash per file instead of a rebuild.
import { createHash } from "crypto";
import { mkdir, readFile, rename, writeFile } from "fs/promises";
import { join } from "path";
import { buildBinariesIso } from "./builder";

export interface IsoEntry {
  /** "1.31.13" */
  version: string;
  /** "cks-binaries-1.31.13.iso" */
  fileName: string;
  path: string;
  /** Hex SHA-256 of the file. */
  sha256: string;
  size: number;
  /** "manifest" (docs/binaries-iso.md, label CDROM) or "cks" (CKS's own script, xorriso label ISOIMAGE). */
  layout: "manifest" | "cks";
}

export const CATALOG_VERSIONS: readonly string[] = ["1.29.15", "1.30.14", "1.31.13", "1.32.9", "1.32.10", "1.33.5"];

/**
 * Versions also served exactly as CloudStack's create-kubernetes-binaries-iso.sh builds them when its
 * mkisofs is xorriso's (`xorriso -as mkisofs` labels ISOIMAGE): no manifest.json, label ISOIMAGE.
 */
export const CKS_LAYOUT_VERSIONS: readonly string[] = ["1.31.13", "1.33.5"];

export function isoFileName(version: string, layout: "manifest" | "cks" = "manifest"): string {
  return layout === "cks" ? `setup-v${version}.iso` : `cks-binaries-${version}.iso`;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export async function buildIsoCatalog(dir: string, versions: readonly string[] = CATALOG_VERSIONS, cksVersions: readonly string[] = CKS_LAYOUT_VERSIONS): Promise<IsoEntry[]> {
  await mkdir(dir, { recursive: true });
  const entries: IsoEntry[] = [];
  const builds = [
    ...versions.map((version) => ({ version, layout: "manifest" as const })),
    ...cksVersions.filter((v) => versions.includes(v)).map((version) => ({ version, layout: "cks" as const })),
  ];
  for (const { version, layout } of builds) {
    const fileName = isoFileName(version, layout);
    const path = join(dir, fileName);
    const image = buildBinariesIso(version, layout === "cks" ? { etcd: true, layout, volumeId: "ISOIMAGE" } : { etcd: true });
    const hash = sha256(image);
    const existing = await readIfExists(path);
    if (!existing || sha256(existing) !== hash) {
      // Write then rename, so a concurrent reader never sees half an ISO.
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, image);
      await rename(temp, path);
    }
    entries.push({ version, fileName, path, sha256: hash, size: image.length, layout });
  }
  return entries;
}
