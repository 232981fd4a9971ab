// Regression: with ES2022 class fields, output declarations written as `readonly x!: Output<T>` become real
// fields that reset what the Pulumi base class set, so every output read `undefined`. They must be `declare`d.
import * as pulumi from "@pulumi/pulumi";

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, endpoint: "https://127.0.0.9:6443/", isoId: "iso-1", apiKind: "userData" } }),
      call: (args) => args.inputs,
    },
    "sdk-test",
    "dev",
    false,
  );
});

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

it("exposes every declared output of the three resources as a live Output", async () => {
  const { KubernetesCluster, KubernetesSupportedVersion, CniConfiguration } = await import("../../../sdk");
  const version = new KubernetesSupportedVersion("v", { semanticVersion: "1.31.13", url: "http://127.0.0.1/x.iso", apiUrl: "http://127.0.0.1/client/api", apiKey: "k", secretKey: "s" });
  const cni = new CniConfiguration("c", { name: "calico", userData: "#cloud-config\n", apiUrl: "http://127.0.0.1/client/api", apiKey: "k", secretKey: "s" });
  const cluster = new KubernetesCluster("k", {
    name: "k", zoneId: "z", kubernetesVersionId: version.id, serviceOfferingId: "o", apiUrl: "http://127.0.0.1/client/api", apiKey: "k", secretKey: "s",
  });
  expect(pulumi.Output.isInstance(cluster.endpoint)).toBe(true);
  expect(pulumi.Output.isInstance(cluster.kubeconfig)).toBe(true);
  expect(await value(cluster.endpoint)).toBe("https://127.0.0.9:6443/");
  expect(await value(version.isoId)).toBe("iso-1");
  expect(await value(cni.apiKind)).toBe("userData");
});

it("wraps secret inputs in pulumi.secret, however the caller passed them", async () => {
  const { withSecretInputs } = await import("../../../sdk/connection");
  const props = withSecretInputs({ secretKey: "plain-secret", apiKey: "k", privateRegistry: { url: "r", username: "u", password: "p" }, unset: undefined }, ["secretKey", "privateRegistry", "unset"]);
  expect(await pulumi.isSecret(props.secretKey as pulumi.Output<string>)).toBe(true);
  expect(await pulumi.isSecret(props.privateRegistry as pulumi.Output<unknown>)).toBe(true);
  expect(props.apiKey).toBe("k");
  expect(props.unset).toBeUndefined();
  const already = withSecretInputs({ secretKey: pulumi.secret("s") }, ["secretKey"]);
  expect(await pulumi.isSecret(already.secretKey as pulumi.Output<string>)).toBe(true);
  expect(await value(already.secretKey as pulumi.Output<string>)).toBe("s");
});
