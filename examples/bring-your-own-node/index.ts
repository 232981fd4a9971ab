// Bring your own node: a cluster with one worker, and a VM deployed outside the provider (here by a
// small dynamic resource standing in for your own VM: @pulumi/cloudstack, a script, the UI) on the
// cluster's network with the cluster's keypair, joined as a worker with a ClusterNode. Destroying the
// stack takes the node out of the cluster first (drain, kubeadm reset -f, delete node, rules, tags),
// then deletes the VM and the cluster. The VM never depends on the ClusterNode for its life.
//
// Stack config: zoneId, serviceOfferingId, kubernetesVersion, isoUrl, isoChecksum (optional),
// clusterName (optional, default "byo"), manualUpgrade (optional, default false).
// Provider config: cloudstack-kubernetes:apiUrl / apiKey / secretKey (--secret), or CLOUDSTACK_* env.
import * as pulumi from "@pulumi/pulumi";
import * as cks from "pulumi-cloudstack-kubernetes";

const config = new pulumi.Config();
const cloud = new pulumi.Config("cloudstack-kubernetes");
const connection = {
  apiUrl: cloud.get("apiUrl"),
  apiKey: cloud.get("apiKey"),
  secretKey: cloud.getSecret("secretKey"),
};

const version = new cks.KubernetesSupportedVersion("k8s-version", {
  ...connection,
  semanticVersion: config.require("kubernetesVersion"),
  url: config.require("isoUrl"),
  checksum: config.get("isoChecksum"),
  zoneId: config.require("zoneId"),
});

const cluster = new cks.KubernetesCluster("byo", {
  ...connection,
  name: config.get("clusterName") ?? "byo",
  zoneId: config.require("zoneId"),
  kubernetesVersionId: version.id,
  kubernetesVersion: version.semanticVersion,
  serviceOfferingId: config.require("serviceOfferingId"),
  size: 1,
});

interface OwnVmArgs {
  apiUrl?: pulumi.Input<string>;
  apiKey?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  name: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  serviceOfferingId: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  keypair: pulumi.Input<string>;
}

/** Your own VM, deployed with the plain CloudStack API (any tool will do: this is not part of the package). */
class OwnVm extends pulumi.dynamic.Resource {
  declare public readonly virtualMachineId: pulumi.Output<string>;
  constructor(name: string, args: OwnVmArgs, opts?: pulumi.CustomResourceOptions) {
    const vmProvider: pulumi.dynamic.ResourceProvider = {
      async create(inputs: Record<string, string>) {
        const { CloudStackClient } = require("pulumi-cloudstack-kubernetes");
        const client = new CloudStackClient({ apiUrl: inputs.apiUrl ?? process.env.CLOUDSTACK_API_URL, apiKey: inputs.apiKey ?? process.env.CLOUDSTACK_API_KEY, secretKey: inputs.secretKey ?? process.env.CLOUDSTACK_SECRET_KEY });
        const templates = (await client.request("listTemplates", { templatefilter: "executable", zoneid: inputs.zoneId, forcks: true })) as { template?: { id: string }[] };
        const template = templates.template?.[0];
        if (!template) throw new Error("no CKS-ready (forcks) template in the zone");
        const r = (await client.request("deployVirtualMachine", {
          zoneid: inputs.zoneId,
          serviceofferingid: inputs.serviceOfferingId,
          templateid: template.id,
          networkids: [inputs.networkId],
          keypair: inputs.keypair,
          name: inputs.name,
        })) as { virtualmachine: { id: string } };
        return { id: r.virtualmachine.id, outs: { ...inputs, virtualMachineId: r.virtualmachine.id } };
      },
      async delete(id: string, props: Record<string, string>) {
        const { CloudStackClient } = require("pulumi-cloudstack-kubernetes");
        const client = new CloudStackClient({ apiUrl: props.apiUrl ?? process.env.CLOUDSTACK_API_URL, apiKey: props.apiKey ?? process.env.CLOUDSTACK_API_KEY, secretKey: props.secretKey ?? process.env.CLOUDSTACK_SECRET_KEY });
        await client.request("destroyVirtualMachine", { id, expunge: true });
      },
    };
    super(vmProvider, name, { ...args, secretKey: args.secretKey ? pulumi.secret(args.secretKey) : undefined, virtualMachineId: undefined }, { ...opts, additionalSecretOutputs: ["secretKey"] });
  }
}

const vm = new OwnVm("own-vm", {
  ...connection,
  name: "byo-node-1",
  zoneId: config.require("zoneId"),
  serviceOfferingId: config.require("serviceOfferingId"),
  networkId: cluster.networkId,
  keypair: cluster.keypairName,
});

const manualUpgrade = config.getBoolean("manualUpgrade") ?? false;
const node = new cks.ClusterNode("byo-node", {
  ...connection,
  cluster,
  virtualMachineId: vm.virtualMachineId,
  manualUpgrade,
  // A manual node runs its own version: the cluster's upgrades skip it; change these to upgrade it.
  ...(manualUpgrade ? { kubernetesVersionId: version.id, kubernetesVersion: version.semanticVersion } : {}),
  labels: { "example.com/pool": "byo" },
  taints: [{ key: "dedicated", value: "byo", effect: "NoSchedule" }],
});

export const kubeconfig = cluster.kubeconfig;
export const nodeName = node.nodeName;
export const nodeSshPort = node.sshPort;
export const nodes = cluster.nodes.apply((list) => list.map((n) => ({ name: n.name, role: n.role })));
