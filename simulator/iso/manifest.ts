// zod schema of the binaries ISO's manifest.json (docs/binaries-iso.md). The provider keeps its own
// reading of the same contract; the simulator never imports it.
import { z } from "zod";

export const IsoManifestSchema = z.object({
  kubernetesVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  arch: z.string().min(1),
  cniPluginsVersion: z.string().min(1),
  crictlVersion: z.string().min(1),
  etcdVersion: z.string().min(1).optional(),
  files: z.object({
    kubeadm: z.string().min(1),
    kubelet: z.string().min(1),
    kubectl: z.string().min(1),
    cniPlugins: z.string().min(1),
    crictl: z.string().min(1),
    kubeletService: z.string().min(1),
    kubeadmDropIn: z.string().min(1),
    networkManifest: z.string().min(1),
    dashboardManifest: z.string().min(1),
    etcd: z.string().min(1).optional(),
  }),
  images: z.array(z.object({ name: z.string().min(1), file: z.string().min(1) })),
});

export type IsoManifest = z.infer<typeof IsoManifestSchema>;
