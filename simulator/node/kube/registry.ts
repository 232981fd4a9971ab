// Every cluster created by `kubeadm init` in this simulator, found by its CA's discovery hash (what a
// join pins) or by the real socket of one of its live API servers (what the fabric resolves to).
import type { SocketAddress } from "../../contracts";
import type { KubeCluster } from "./cluster";

const addressKey = (a: SocketAddress) => `${a.host}:${a.port}`;

export class ClusterRegistry {
  private readonly byHash = new Map<string, KubeCluster>();
  private readonly byAddress = new Map<string, KubeCluster>();

  add(cluster: KubeCluster): void {
    this.byHash.set(cluster.caHash, cluster);
  }

  findByCaHash(hash: string): KubeCluster | undefined {
    return this.byHash.get(hash);
  }

  bindApiServer(address: SocketAddress, cluster: KubeCluster): void {
    this.byAddress.set(addressKey(address), cluster);
  }

  unbindApiServer(address: SocketAddress): void {
    this.byAddress.delete(addressKey(address));
  }

  findByAddress(address: SocketAddress): KubeCluster | undefined {
    return this.byAddress.get(addressKey(address));
  }

  all(): KubeCluster[] {
    return [...this.byHash.values()];
  }
}
