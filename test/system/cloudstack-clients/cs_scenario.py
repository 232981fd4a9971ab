"""The client-side scenario run with Debian's python3-cs (the `cs` library) against the simulator.

Reads the connection and the seed ids as JSON on stdin, prints one line per API call ("ok <command>")
and exits non-zero with the failing call and CloudStack's answer. Every call must succeed.
"""
import json
import sys
import time

from cs import CloudStack, CloudStackException

cfg = json.load(sys.stdin)
api = CloudStack(endpoint=cfg["apiUrl"], key=cfg["apiKey"], secret=cfg["secretKey"], fetch_result=True, poll_interval=0.05, timeout=30)
ids = cfg["ids"]


def call(command, **params):
    try:
        result = getattr(api, command)(**params)
    except CloudStackException as err:
        print("FAIL %s: %s" % (command, err), flush=True)
        sys.exit(1)
    print("ok %s" % command, flush=True)
    return result


def first(result, key):
    items = result.get(key, [])
    return items[0] if items else None


net = call("createNetwork", name="cs-net", displaytext="cs-net", networkofferingid=ids["networkOffering"], zoneid=ids["zone"])["network"]
ip = call("associateIpAddress", networkid=net["id"])["ipaddress"]
call("createFirewallRule", ipaddressid=ip["id"], protocol="tcp", startport=22, endport=22, cidrlist="0.0.0.0/0")
call("listFirewallRules", ipaddressid=ip["id"])
call("registerSSHKeyPair", name="cs-registered", publickey=cfg["publicKey"])
made = call("createSSHKeyPair", name="cs-created")["keypair"]
assert made["privatekey"].startswith("-----BEGIN"), "createSSHKeyPair returned no private key"
call("listSSHKeyPairs", name="cs-registered")

vm = call("deployVirtualMachine", zoneid=ids["zone"], serviceofferingid=ids["small"], templateid=ids["template"], networkids=net["id"], keypair="cs-registered", name="cs-vm")["virtualmachine"]
assert vm["state"] == "Running", vm["state"]
call("createPortForwardingRule", ipaddressid=ip["id"], privateport=22, publicport=22, protocol="tcp", virtualmachineid=vm["id"], openfirewall=False)
call("listPortForwardingRules", ipaddressid=ip["id"])
lb = call("createLoadBalancerRule", name="cs-lb", algorithm="roundrobin", privateport=80, publicport=80, publicipid=ip["id"])["loadbalancer"]
call("assignToLoadBalancerRule", id=lb["id"], virtualmachineids=[vm["id"]])
members = call("listLoadBalancerRuleInstances", id=lb["id"]).get("loadbalancerruleinstance", [])
assert [m["id"] for m in members] == [vm["id"]], members
call("listIpForwardingRules", virtualmachineid=vm["id"])

call("createTags", resourceids=[vm["id"]], resourcetype="UserVm", tags=[{"key": "role", "value": "cs-test"}])
tagged = call("listVirtualMachines", tags=[{"key": "role", "value": "cs-test"}]).get("virtualmachine", [])
assert [v["id"] for v in tagged] == [vm["id"]], tagged
call("listTags", resourceid=vm["id"], resourcetype="UserVm")
call("deleteTags", resourceids=[vm["id"]], resourcetype="UserVm", tags=[{"key": "role", "value": "cs-test"}])

iso = first(call("registerIso", name="cs-iso", displaytext="cs-iso", url=cfg["isoUrl"], zoneid=ids["zone"], checksum=cfg["isoChecksum"]), "iso")
deadline = time.time() + 60
while True:
    now = first(call("listIsos", id=iso["id"], isofilter="self"), "iso")
    if now and now.get("isready"):
        break
    if time.time() > deadline:
        print("FAIL listIsos: ISO never became ready: %s" % now, flush=True)
        sys.exit(1)
    time.sleep(0.1)
call("attachIso", id=iso["id"], virtualmachineid=vm["id"])
call("detachIso", virtualmachineid=vm["id"])

call("stopVirtualMachine", id=vm["id"])
scaled = call("scaleVirtualMachine", id=vm["id"], serviceofferingid=ids["large"])
call("startVirtualMachine", id=vm["id"])
now = first(call("listVirtualMachines", id=vm["id"]), "virtualmachine")
assert now["serviceofferingid"] == ids["large"] and now["state"] == "Running", now

# The CKS plugin's records (issue 13): an ExternalManaged cluster with the VM as its control node.
cks = call("createKubernetesCluster", name="cs-ext", zoneid=ids["zone"], clustertype="ExternalManaged")["kubernetescluster"]
call("addVirtualMachinesToKubernetesCluster", id=cks["id"], virtualmachineids=[vm["id"]], iscontrolnode=True)
listed = first(call("listKubernetesClusters", id=cks["id"]), "kubernetescluster")
if listed is None or listed["controlnodes"] != 1 or listed["clustertype"] != "ExternalManaged" or [v["id"] for v in listed["virtualmachines"]] != [vm["id"]]:
    print("FAIL listKubernetesClusters: %s" % listed, flush=True)
    sys.exit(1)
removed = call("removeVirtualMachinesFromKubernetesCluster", id=cks["id"], virtualmachineids=[vm["id"]])
call("deleteKubernetesCluster", id=cks["id"])

call("deleteLoadBalancerRule", id=lb["id"])
call("destroyVirtualMachine", id=vm["id"], expunge=True)
call("deleteIso", id=iso["id"])
call("deleteSSHKeyPair", name="cs-registered")
call("deleteSSHKeyPair", name="cs-created")
call("disassociateIpAddress", id=ip["id"])
call("deleteNetwork", id=net["id"])
print("scenario complete", flush=True)
