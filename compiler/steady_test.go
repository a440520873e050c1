package compiler

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSteady: the always-active index of the fast rules (policies/fast.rego)
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

// TestSteadyNotOnPVE: a PVE document has no steady accounts, so the PBS fast
// rules never apply to it.
func TestSteadyNotOnPVE(t *testing.T) {
	d, err := Compile("../examples/pve", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, a := range d.Users {
		if a.Steady != "" {
			t.Errorf("PVE user %s is marked steady", id)
		}
	}
	for id, a := range d.Tokens {
		if a.Steady != "" {
			t.Errorf("PVE token %s is marked steady", id)
		}
	}
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
