// The providers Pulumi serializes into state (DESIGN rule 1): plain objects whose methods require the
// installed implementation at run time and delegate. They capture nothing, so state stays tiny and
// delete/refresh always run today's code. Do not reference anything outside the method bodies here.
// The repetition is deliberate: each method's text is serialized verbatim, so a literal require path
// keeps the state readable (`require("…/kubernetesCluster")`) with no captured variables at all.
import type * as pulumi from "@pulumi/pulumi";

export const kubernetesClusterShim: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.create(inputs);
  },
  async read(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesCluster").provider.delete(id, props);
  },
};

export const kubernetesSupportedVersionShim: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.create(inputs);
  },
  async read(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/kubernetesSupportedVersion").provider.delete(id, props);
  },
};

export const cniConfigurationShim: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.create(inputs);
  },
  async read(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/cniConfiguration").provider.delete(id, props);
  },
};

export const clusterNodeShim: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.create(inputs);
  },
  async read(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.read(id, props);
  },
  async update(id, olds, news) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("pulumi-cloudstack-kubernetes/provider/resources/clusterNode").provider.delete(id, props);
  },
};
