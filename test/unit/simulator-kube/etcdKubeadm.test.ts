// kubeadm and external etcd: ValidateEtcd's pairing of endpoints with certificates, and the set of
// certificates upload-certs puts in kubeadm-certs for each etcd topology (copycerts.go).
import { certsToTransfer } from "../../../simulator/node/kube/copyCerts";
import { etcdValidationMessage, validateEtcd } from "../../../simulator/node/kube/kubeadmEtcdValidation";

describe("kubeadm ValidateEtcd", () => {
  it("allows plain http only without TLS files; https needs the cert/key pair and the CA, with absolute paths", () => {
    expect(validateEtcd({ external: { endpoints: ["http://10.1.1.5:2379"] } })).toEqual([]);
    expect(validateEtcd({ external: { endpoints: ["https://e1:2379"], caFile: "/ca.crt", certFile: "/e.crt", keyFile: "/e.key" } })).toEqual([]);
    expect(validateEtcd({ external: { endpoints: ["http://10.1.1.5:2379"], caFile: "/ca.crt" } })).toEqual([
      'etcd.external.endpoints: Invalid value: "http://10.1.1.5:2379": the URL must be using the HTTPS scheme',
    ]);
    expect(validateEtcd({ external: { endpoints: ["https://e1:2379"], certFile: "/e.crt" } })[0]).toContain("either both or none of .Etcd.External.CertFile and .Etcd.External.KeyFile must be set");
    expect(validateEtcd({ external: { endpoints: ["https://e1:2379"], certFile: "/e.crt", keyFile: "/e.key" } })).toEqual([
      'etcd.external: Invalid value: "": setting .Etcd.External.CertFile and .Etcd.External.KeyFile requires .Etcd.External.CAFile',
    ]);
    expect(validateEtcd({ external: { endpoints: ["https://e1:2379"], caFile: "ca.crt" } })).toEqual(['etcd.external.caFile: Invalid value: "ca.crt": path is not absolute']);
    expect(validateEtcd({ local: {}, external: { endpoints: ["http://e:2379"] } })[0]).toContain("mutually exclusive");
    expect(etcdValidationMessage(["a", "b"])).toBe("[a, b]");
  });
});

describe("kubeadm copycerts", () => {
  it("uploads etcd/ca for stacked etcd and the external etcd files for external etcd", () => {
    expect(certsToTransfer("stacked")).toEqual(expect.arrayContaining(["ca.crt", "sa.key", "etcd-ca.crt", "etcd-ca.key"]));
    expect(certsToTransfer("stacked")).not.toContain("external-etcd-ca.crt");
    expect(certsToTransfer("external")).toEqual(expect.arrayContaining(["ca.crt", "front-proxy-ca.key", "external-etcd-ca.crt", "external-etcd.crt", "external-etcd.key"]));
    expect(certsToTransfer("external")).not.toContain("etcd-ca.crt");
  });
});
