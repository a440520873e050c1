package aclpath

import "testing"

func TestPVECheck(t *testing.T) {
	for _, tc := range []struct {
		path, version string
		ok            bool
	}{
		{"/", "9", true},
		{"/vms/100", "9", true},
		{"/vms/99", "9", false},
		{"/vms/0100", "9", false},
		{"/storage/local", "9", true},
		{"/pool/a/b/c", "9", true},
		{"/pool/a/b/c/d", "9", false},
		{"/access/realm/pam", "9", true},
		{"/access/realms/pam", "9", false},
		{"/users", "9", false},
		{"/sdn/zones/z1/vnet1/4094", "9", true},
		{"/sdn/zones/z1/vnet1/10000", "9", false},
		{"/sdn/fabrics/f1", "9", true},
		{"/sdn/fabrics/f1", "8", false},
		{"/sdn/route-maps", "", true},
		{"/mapping/pci/gpu0", "8", true},
		{"/nodes/pve1", "8", true},
		{"/kvm/vms/100", "9", false},
	} {
		if err := PVECheck(tc.path, tc.version); (err == nil) != tc.ok {
			t.Errorf("PVECheck(%q, %q) = %v, want ok=%v", tc.path, tc.version, err, tc.ok)
		}
	}
}
