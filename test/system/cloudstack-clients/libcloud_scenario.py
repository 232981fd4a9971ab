"""The client-side scenario run with Debian's python3-libcloud (CloudStack compute and load-balancer
drivers) against the simulator. Input: JSON on stdin; output: "ok <step>" per step; exit 1 on failure.
ISO attach/detach have no driver method, so they go through the driver's own signed connection.
"""
import json
import sys
import time
import traceback
from urllib.parse import urlparse

from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider
from libcloud.loadbalancer.base import Member
from libcloud.loadbalancer.providers import get_driver as get_lb_driver
from libcloud.loadbalancer.types import Provider as LBProvider

cfg = json.load(sys.stdin)
ids = cfg["ids"]
url = urlparse(cfg["apiUrl"])
conn = dict(secure=False, host=url.hostname, port=url.port, path=url.path)
driver = get_driver(Provider.CLOUDSTACK)(cfg["apiKey"], cfg["secretKey"], **conn)
driver.connection.poll_interval = 0.05
lb_driver = get_lb_driver(LBProvider.CLOUDSTACK)(cfg["apiKey"], cfg["secretKey"], **conn)
lb_driver.connection.poll_interval = 0.05


def step(label, fn, *args, **kwargs):
    try:
        result = fn(*args, **kwargs)
    except Exception as err:  # the driver raises several kinds; report whichever
        print("FAIL %s: %s" % (label, err), flush=True)
        traceback.print_exc()
        sys.exit(1)
    print("ok %s" % label, flush=True)
    return result


def by_id(items, wanted):
    found = [i for i in items if i.id == wanted]
    assert found, "%s not in %s" % (wanted, [i.id for i in items])
    return found[0]


location = by_id(step("list_locations", driver.list_locations), ids["zone"])
offering = by_id(step("ex_list_network_offerings", driver.ex_list_network_offerings), ids["networkOffering"])
net = step("ex_create_network", driver.ex_create_network, display_text="lc-net", name="lc-net", network_offering=offering, location=location)
ip = step("ex_allocate_public_ip", driver.ex_allocate_public_ip, network_id=net.id)
fw = step("ex_create_firewall_rule", driver.ex_create_firewall_rule, address=ip, cidr_list="0.0.0.0/0", protocol="tcp", start_port=22, end_port=22)
step("ex_list_firewall_rules", driver.ex_list_firewall_rules)

step("import_key_pair_from_string", driver.import_key_pair_from_string, "lc-registered", cfg["publicKey"])
created = step("create_key_pair", driver.create_key_pair, "lc-created")
assert created.private_key.startswith("-----BEGIN"), "create_key_pair returned no private key"
step("list_key_pairs", driver.list_key_pairs)

size = by_id(step("list_sizes", driver.list_sizes), ids["small"])
large = by_id(driver.list_sizes(), ids["large"])
image = by_id(step("list_images", driver.list_images), ids["template"])
network = by_id(step("ex_list_networks", driver.ex_list_networks), net.id)
node = step("create_node", driver.create_node, name="lc-vm", size=size, image=image, location=location, networks=[network], ex_keyname="lc-registered", ex_start_vm=True)
pf = step("ex_create_port_forwarding_rule", driver.ex_create_port_forwarding_rule, node, ip, 22, 22, "tcp", openfirewall=False)
listed = by_id(step("list_nodes", driver.list_nodes), node.id)
assert listed.state == "running", listed.state
step("ex_get_node", driver.ex_get_node, node.id)

balancer = step("create_balancer", lb_driver.create_balancer, "lc-lb", [Member(node.id, None, None)], port=80, network_id=net.id, location=location)
members = step("balancer_list_members", lb_driver.balancer_list_members, balancer)
assert [m.id for m in members] == [node.id], [m.id for m in members]
step("list_balancers", lb_driver.list_balancers)

step("ex_create_tags", driver.ex_create_tags, [node.id], "UserVm", {"role": "lc-test"})
step("ex_delete_tags", driver.ex_delete_tags, [node.id], "UserVm", ["role"])

iso = step("ex_register_iso", driver.ex_register_iso, "lc-iso", cfg["isoUrl"], location=location)["iso"][0]
deadline = time.time() + 60
while True:
    isos = step("listIsos", driver._sync_request, command="listIsos", params={"id": iso["id"], "isofilter": "self"}, method="GET").get("iso", [])
    if isos and isos[0].get("isready"):
        break
    assert time.time() < deadline, "ISO never became ready: %s" % isos
    time.sleep(0.1)
step("attachIso", driver._async_request, command="attachIso", params={"id": iso["id"], "virtualmachineid": node.id}, method="GET")
step("detachIso", driver._async_request, command="detachIso", params={"virtualmachineid": node.id}, method="GET")

step("ex_stop", driver.ex_stop, node)
new_offering = step("ex_change_node_size", driver.ex_change_node_size, node, large)
assert new_offering == ids["large"], new_offering
step("ex_start", driver.ex_start, node)

step("destroy_balancer", lb_driver.destroy_balancer, balancer)
step("ex_delete_port_forwarding_rule", driver.ex_delete_port_forwarding_rule, node, pf)
step("ex_delete_firewall_rule", driver.ex_delete_firewall_rule, fw)
step("destroy_node", driver.destroy_node, node, ex_expunge=True)
step("deleteIso", driver._async_request, command="deleteIso", params={"id": iso["id"]}, method="GET")
for kp in driver.list_key_pairs():
    step("delete_key_pair", driver.delete_key_pair, kp)
step("ex_release_public_ip", driver.ex_release_public_ip, ip)
step("ex_delete_network", driver.ex_delete_network, net)
print("scenario complete", flush=True)
