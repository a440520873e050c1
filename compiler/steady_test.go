package compiler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSteady: the always-active index of the fast rules (policies/fast_pbs.rego)
// marks a user that is enabled with no expiry, and a token only when its
// owner is marked too (§4.2: a token is active only with its owner).
func TestSteady(t *testing.T) {
	d := compileStrings(t, strings.Join([]string{
		"user: on@pbs\n",
		"user: off@pbs\n\tenable false\n",
		"user: ends@pbs\n\texpire 4102444800\n",
		"token: on@pbs!t\n",
		"token: on@pbs!off\n\tenable false\n",
		"token: on@pbs!ends\n\texpire 4102444800\n",
		"token: off@pbs!t\n",
		"token: ends@pbs!t\n",
		"token: gone@pbs!t\n",
	}, "\n"), "")
	want := map[string]string{
		"root@pam": "root@pam", "on@pbs": "on@pbs", "off@pbs": "", "ends@pbs": "",
		"on@pbs!t": "on@pbs", "on@pbs!off": "", "on@pbs!ends": "",
		"off@pbs!t": "", "ends@pbs!t": "", "gone@pbs!t": "",
	}
	checkSteady(t, d, want)
	// In JSON a steady account has no enable and expire; read back, it is
	// enabled and never expires.
	j := roundTrip(t, d)
	var raw struct{ Users, Tokens map[string]map[string]any }
	if err := json.Unmarshal(j, &raw); err != nil {
		t.Fatal(err)
	}
	if u := raw.Users["on@pbs"]; u["enable"] != nil || u["expire"] != nil || u["steady"] != "on@pbs" {
		t.Errorf("on@pbs in JSON: %v", u)
	}
	if u := raw.Tokens["on@pbs!off"]; u["enable"] != false || u["steady"] != nil {
		t.Errorf("on@pbs!off in JSON: %v", u)
	}
}

// TestSteadyPVE: on PVE only a privilege-separated token is marked (pve
// §3.2), and only an account that no propagating NoAccess of its own or of
// its groups reaches from the root or a top-level path: the fast rules
// rely on it for pool members (policies/fast_pve.rego). Deeper NoAccess entries
// are the pool index's part (TestPoolNoAccess). The JSON key is
// "pve_steady", so the PBS fast rules never apply to a PVE document.
func TestSteadyPVE(t *testing.T) {
	d := compilePVE(t, []string{
		"user:a@pve:1:0::::::",
		"user:b@pve:1:0::::::",
		"user:c@pve:1:0::::::",
		"user:d@pve:1:0::::::",
		"user:e@pve:1:5000::::::",
		"user:f@pve:1:0::::::",
		"user:h@pve:1:0::::::",
		"user:i@pve:1:0::::::",
		"user:j@pve:1:0::::::",
		"token:a@pve!sep:0:1::",
		"token:a@pve!full:0:0::",
		"token:a@pve!ends:5000:1::",
		"token:d@pve!sep:0:1::",
		"token:e@pve!sep:0:1::",
		"token:f@pve!sep:0:1::",
		"",
		"group:g:b@pve::",
		"group:top:f@pve::",
		"group:two:i@pve,j@pve::",
		"group:three:j@pve::",
		"",
		"pool:p::1::",
		"",
		"acl:1:/vms:a@pve:PVEVMUser:",
		"acl:1:/pool/p:@g:NoAccess:",
		"acl:0:/:c@pve:NoAccess:",
		"acl:1:/pool:d@pve!sep:NoAccess:",
		"acl:1:/vms/1:d@pve:NoAccess:",
		"acl:1:/storage:@top:NoAccess:",
		"acl:1:/:h@pve:PVEAuditor,NoAccess:",
		"acl:0:/pool/p:i@pve:NoAccess:",
	})
	want := map[string]string{
		"a@pve": "a@pve", "b@pve": "b@pve", "d@pve": "d@pve", "e@pve": "",
		// NoAccess on the root that does not propagate reaches no pool
		"c@pve": "c@pve",
		// a group's propagating NoAccess on a top-level path, an own one on the root
		"f@pve": "", "f@pve!sep": "", "h@pve": "",
		"a@pve!sep": "a@pve", "a@pve!full": "", "a@pve!ends": "", "e@pve!sep": "",
		// the token's own NoAccess on /pool; a user's own on a pool, even
		// not propagating (pools are looked up exactly, pve §3.2)
		"d@pve!sep": "", "i@pve": "",
		// a user in two groups is steady, but has no sole group
		"j@pve": "j@pve",
	}
	checkSteady(t, d, want)
	// the sole group of a steady user: its only group, or "" for none
	for id, w := range map[string]string{"a@pve": "", "b@pve": "g", "j@pve": "-", "f@pve": "-"} {
		got := "-"
		if g := d.Users[id].SoleGroup; g != nil {
			got = *g
		}
		if got != w {
			t.Errorf("%s: sole group %q, want %q (- for none)", id, got, w)
		}
	}
	j := roundTrip(t, d)
	if !strings.Contains(string(j), `"pve_steady":"a@pve"`) || strings.Contains(string(j), `"steady"`) {
		t.Errorf("PVE accounts in JSON: want pve_steady, never steady")
	}
}

// compilePVE compiles a PVE user.cfg of the given lines.
func compilePVE(t *testing.T, lines []string) *Document {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Compile(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDottedNodesLeftOut: a node with a "." or ".." component is left out
// with a warning: no query reaches it (docs/semantics.md §3.3), and the
// fast rules take every node as a normalised, undotted path.
func TestDottedNodesLeftOut(t *testing.T) {
	d := compileStrings(t, "user: a@pbs\n",
		"acl:1:/datastore/..:a@pbs:Admin\nacl:1:/datastore/./x:a@pbs:Admin\nacl:1:/datastore/.x:a@pbs:Audit\nacl:1:/datastore/...:a@pbs:Audit\n")
	for _, p := range []string{"/datastore/..", "/datastore/./x"} {
		if _, ok := d.ACL[p]; ok {
			t.Errorf("dotted node %s compiled", p)
		}
	}
	for _, p := range []string{"/datastore/.x", "/datastore/..."} {
		if _, ok := d.ACL[p]; !ok {
			t.Errorf("node %s (a name, not dotted) left out", p)
		}
	}
	if len(d.Warnings) != 2 || !strings.Contains(d.Warnings[0], "'.' or '..'") {
		t.Errorf("warnings: %q", d.Warnings)
	}
}

// checkSteady: each account of want (user or token id) is compiled with
// Steady as given ("" for none).
func checkSteady(t *testing.T, d *Document, want map[string]string) {
	t.Helper()
	for id, w := range want {
		a, ok := d.Users[id]
		if !ok {
			a, ok = d.Tokens[id]
		}
		if !ok {
			t.Fatalf("%s not compiled", id)
		}
		if a.Steady != w {
			t.Errorf("%s: steady %q, want %q", id, a.Steady, w)
		}
	}
}
