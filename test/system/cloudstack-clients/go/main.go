// The client-side scenario run with go-cloudstack (the SDK behind Terraform's CloudStack provider)
// against the simulator. Input: JSON on stdin; output: "ok <call>" per call; exit 1 on the first
// failure, naming the call and CloudStack's answer. Every call must succeed.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/xanzy/go-cloudstack/v2/cloudstack"
)

type input struct {
	APIURL      string `json:"apiUrl"`
	APIKey      string `json:"apiKey"`
	SecretKey   string `json:"secretKey"`
	PublicKey   string `json:"publicKey"`
	IsoURL      string `json:"isoUrl"`
	IsoChecksum string `json:"isoChecksum"`
	IDs         struct {
		Zone            string `json:"zone"`
		Template        string `json:"template"`
		Small           string `json:"small"`
		Large           string `json:"large"`
		NetworkOffering string `json:"networkOffering"`
	} `json:"ids"`
}

func must(call string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", call, err)
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", call)
}

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fmt.Printf("FAIL check: "+format+"\n", args...)
		os.Exit(1)
	}
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Printf("FAIL input: %v\n", err)
		os.Exit(1)
	}
	cs := cloudstack.NewAsyncClient(in.APIURL, in.APIKey, in.SecretKey, false)
	cs.AsyncTimeout(60)

	np := cs.Network.NewCreateNetworkParams("go-net", "go-net", in.IDs.NetworkOffering, in.IDs.Zone)
	net, err := cs.Network.CreateNetwork(np)
	must("createNetwork", err)
	_, _, err = cs.Network.GetNetworkByID(net.Id)
	must("listNetworks (GetNetworkByID)", err)
	_, _, err = cs.NetworkOffering.GetNetworkOfferingByID(in.IDs.NetworkOffering)
	must("listNetworkOfferings (GetNetworkOfferingByID)", err)

	ap := cs.Address.NewAssociateIpAddressParams()
	ap.SetNetworkid(net.Id)
	ip, err := cs.Address.AssociateIpAddress(ap)
	must("associateIpAddress", err)
	_, _, err = cs.Address.GetPublicIpAddressByID(ip.Id)
	must("listPublicIpAddresses (GetPublicIpAddressByID)", err)

	fp := cs.Firewall.NewCreateFirewallRuleParams(ip.Id, "tcp")
	fp.SetStartport(22)
	fp.SetEndport(22)
	fp.SetCidrlist([]string{"0.0.0.0/0"})
	fw, err := cs.Firewall.CreateFirewallRule(fp)
	must("createFirewallRule", err)
	lf := cs.Firewall.NewListFirewallRulesParams()
	lf.SetIpaddressid(ip.Id)
	_, err = cs.Firewall.ListFirewallRules(lf)
	must("listFirewallRules", err)

	_, err = cs.SSH.RegisterSSHKeyPair(cs.SSH.NewRegisterSSHKeyPairParams("go-registered", in.PublicKey))
	must("registerSSHKeyPair", err)
	made, err := cs.SSH.CreateSSHKeyPair(cs.SSH.NewCreateSSHKeyPairParams("go-created"))
	must("createSSHKeyPair", err)
	check(strings.HasPrefix(made.Privatekey, "-----BEGIN"), "createSSHKeyPair returned no private key")
	lk := cs.SSH.NewListSSHKeyPairsParams()
	lk.SetName("go-registered")
	keys, err := cs.SSH.ListSSHKeyPairs(lk)
	must("listSSHKeyPairs", err)
	check(keys.Count == 1, "listSSHKeyPairs by name: %d", keys.Count)

	dp := cs.VirtualMachine.NewDeployVirtualMachineParams(in.IDs.Small, in.IDs.Template, in.IDs.Zone)
	dp.SetNetworkids([]string{net.Id})
	dp.SetKeypair("go-registered")
	dp.SetName("go-vm")
	vm, err := cs.VirtualMachine.DeployVirtualMachine(dp)
	must("deployVirtualMachine", err)
	check(vm.State == "Running", "deployed VM state %q", vm.State)
	got, _, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	must("listVirtualMachines (GetVirtualMachineByID)", err)
	check(got.Username != "" && got.Userid != "", "listVirtualMachines has no userid/username")

	pp := cs.Firewall.NewCreatePortForwardingRuleParams(ip.Id, 22, "tcp", 22, vm.Id)
	pp.SetOpenfirewall(false)
	pf, err := cs.Firewall.CreatePortForwardingRule(pp)
	must("createPortForwardingRule", err)
	_, _, err = cs.Firewall.GetPortForwardingRuleByID(pf.Id)
	must("listPortForwardingRules (GetPortForwardingRuleByID)", err)
	ir := cs.NAT.NewListIpForwardingRulesParams()
	ir.SetVirtualmachineid(vm.Id)
	_, err = cs.NAT.ListIpForwardingRules(ir)
	must("listIpForwardingRules", err)

	lp := cs.LoadBalancer.NewCreateLoadBalancerRuleParams("roundrobin", "go-lb", 80, 80)
	lp.SetPublicipid(ip.Id)
	lp.SetNetworkid(net.Id)
	lb, err := cs.LoadBalancer.CreateLoadBalancerRule(lp)
	must("createLoadBalancerRule", err)
	asg := cs.LoadBalancer.NewAssignToLoadBalancerRuleParams(lb.Id)
	asg.SetVirtualmachineids([]string{vm.Id})
	_, err = cs.LoadBalancer.AssignToLoadBalancerRule(asg)
	must("assignToLoadBalancerRule", err)
	members, err := cs.LoadBalancer.ListLoadBalancerRuleInstances(cs.LoadBalancer.NewListLoadBalancerRuleInstancesParams(lb.Id))
	must("listLoadBalancerRuleInstances", err)
	check(len(members.LoadBalancerRuleInstances) == 1 && members.LoadBalancerRuleInstances[0].Id == vm.Id, "members %+v", members.LoadBalancerRuleInstances)
	_, _, err = cs.LoadBalancer.GetLoadBalancerRuleByID(lb.Id)
	must("listLoadBalancerRules (GetLoadBalancerRuleByID)", err)

	_, err = cs.Resourcetags.CreateTags(cs.Resourcetags.NewCreateTagsParams([]string{vm.Id}, "UserVm", map[string]string{"role": "go-test"}))
	must("createTags", err)
	lv := cs.VirtualMachine.NewListVirtualMachinesParams()
	lv.SetTags(map[string]string{"role": "go-test"})
	tagged, err := cs.VirtualMachine.ListVirtualMachines(lv)
	must("listVirtualMachines (tags)", err)
	check(tagged.Count == 1, "tagged VMs: %d", tagged.Count)
	dt := cs.Resourcetags.NewDeleteTagsParams([]string{vm.Id}, "UserVm")
	dt.SetTags(map[string]string{"role": "go-test"})
	_, err = cs.Resourcetags.DeleteTags(dt)
	must("deleteTags", err)

	rp := cs.ISO.NewRegisterIsoParams("go-iso", "go-iso", in.IsoURL, in.IDs.Zone)
	rp.SetChecksum(in.IsoChecksum)
	_, err = cs.ISO.RegisterIso(rp)
	must("registerIso", err)
	var isoID string
	for deadline := time.Now().Add(60 * time.Second); ; {
		li := cs.ISO.NewListIsosParams()
		li.SetName("go-iso")
		li.SetIsofilter("self")
		isos, err := cs.ISO.ListIsos(li)
		must("listIsos", err)
		if isos.Count == 1 && isos.Isos[0].Isready {
			isoID = isos.Isos[0].Id
			break
		}
		check(time.Now().Before(deadline), "ISO never became ready")
		time.Sleep(100 * time.Millisecond)
	}
	_, err = cs.ISO.AttachIso(cs.ISO.NewAttachIsoParams(isoID, vm.Id))
	must("attachIso", err)
	_, err = cs.ISO.DetachIso(cs.ISO.NewDetachIsoParams(vm.Id))
	must("detachIso", err)

	_, err = cs.VirtualMachine.StopVirtualMachine(cs.VirtualMachine.NewStopVirtualMachineParams(vm.Id))
	must("stopVirtualMachine", err)
	_, err = cs.VirtualMachine.ScaleVirtualMachine(cs.VirtualMachine.NewScaleVirtualMachineParams(vm.Id, in.IDs.Large))
	must("scaleVirtualMachine", err)
	_, err = cs.VirtualMachine.StartVirtualMachine(cs.VirtualMachine.NewStartVirtualMachineParams(vm.Id))
	must("startVirtualMachine", err)
	now, _, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	must("listVirtualMachines (after scale)", err)
	check(now.Serviceofferingid == in.IDs.Large && now.State == "Running", "after scale: %s %s", now.Serviceofferingid, now.State)

	_, err = cs.LoadBalancer.DeleteLoadBalancerRule(cs.LoadBalancer.NewDeleteLoadBalancerRuleParams(lb.Id))
	must("deleteLoadBalancerRule", err)
	_, err = cs.Firewall.DeletePortForwardingRule(cs.Firewall.NewDeletePortForwardingRuleParams(pf.Id))
	must("deletePortForwardingRule", err)
	_, err = cs.Firewall.DeleteFirewallRule(cs.Firewall.NewDeleteFirewallRuleParams(fw.Id))
	must("deleteFirewallRule", err)
	destroy := cs.VirtualMachine.NewDestroyVirtualMachineParams(vm.Id)
	destroy.SetExpunge(true)
	_, err = cs.VirtualMachine.DestroyVirtualMachine(destroy)
	must("destroyVirtualMachine", err)
	// An expunged VM: go-cloudstack reads CloudStack's 431 "entity does not exist" as "no match".
	_, count, err := cs.VirtualMachine.GetVirtualMachineByID(vm.Id)
	check(count == 0 && err != nil && strings.Contains(err.Error(), "No match found"), "expunged VM still found: %d %v", count, err)
	fmt.Println("ok listVirtualMachines (expunged: no match)")
	_, err = cs.ISO.DeleteIso(cs.ISO.NewDeleteIsoParams(isoID))
	must("deleteIso", err)
	for _, name := range []string{"go-registered", "go-created"} {
		_, err = cs.SSH.DeleteSSHKeyPair(cs.SSH.NewDeleteSSHKeyPairParams(name))
		must("deleteSSHKeyPair "+name, err)
	}
	_, err = cs.Address.DisassociateIpAddress(cs.Address.NewDisassociateIpAddressParams(ip.Id))
	must("disassociateIpAddress", err)
	_, err = cs.Network.DeleteNetwork(cs.Network.NewDeleteNetworkParams(net.Id))
	must("deleteNetwork", err)
	fmt.Println("scenario complete")
}
