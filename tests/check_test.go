package tests

import (
	"path/filepath"
	"testing"
)

// The denial text of `check` is PBS's check_privs error (§3.4): every
// required privilege in PBS's privilege order, joined with '&' (all) or
// '|' (any), on the normalised path; an inactive account gets the
// authentication error instead (§4.2), an unknown one "no such user" or
// "no such token".
func TestCheckMessages(t *testing.T) {
	pbsDir, pveDir := examplesDir(), filepath.Join(moduleRoot, "examples", "pve")
	cases := []struct {
		name string
		dir  string
		args []string
		code int
		out  string
	}{
		{"allowed", pbsDir, []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, 0, "allowed\n"},
		{"all, canonical order", pbsDir, []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read", "Datastore.Allocate"}, 1,
			"denied: missing permissions 'Datastore.Allocate&Datastore.Read' on '/datastore/store1'\n"},
		{"any, canonical order", pbsDir, []string{"check", "john@pbs", "//datastore//store1/", "Datastore.Allocate", "Sys.Audit", "--any"}, 1,
			"denied: missing permissions 'Sys.Audit|Datastore.Allocate' on '/datastore/store1'\n"},
		{"expired token", pbsDir, []string{"check", "john@pbs!old-laptop", "/datastore/store1", "Datastore.Backup"}, 1,
			"denied: user account or token disabled or expired.\n"},
		// an auth id without a user or token section is unknown, not inactive
		{"unknown user", pbsDir, []string{"check", "nobody@pbs", "/", "Sys.Audit"}, 1,
			"denied: no such user 'nobody@pbs'\n"},
		{"unknown token", pbsDir, []string{"check", "john@pbs!nope", "/datastore/store1", "Datastore.Backup"}, 1,
			"denied: no such token 'john@pbs!nope'\n"},
		{"pve unknown user", pveDir, []string{"check", "nobody@pve", "/", "Sys.Audit"}, 1,
			"denied: no such user 'nobody@pve'\n"},
		{"pve disabled user", pveDir, []string{"check", "temp@pve", "/", "Sys.Audit"}, 1,
			"denied: user account or token disabled or expired.\n"},
		// PVE's raise_perm_exc (docs/semantics.md pve §3.2): the first missing
		// privilege in the order asked; with any, all of them joined by '|'
		{"pve all, first missing", pveDir, []string{"check", "alice@pve", "/vms/101", "VM.Audit", "VM.PowerMgmt"}, 1,
			"denied: Permission check failed (/vms/101, VM.Audit)\n"},
		{"pve any", pveDir, []string{"check", "alice@pve", "/vms/101", "VM.PowerMgmt", "VM.Console", "--any"}, 1,
			"denied: Permission check failed (/vms/101, VM.PowerMgmt|VM.Console)\n"},
	}
	for _, c := range cases {
		// the native engine (default) and OPA on the Rego answer the same
		for _, engine := range []string{"auto", "rego"} {
			t.Run(c.name+"/"+engine, func(t *testing.T) {
				r := runPxacl(t, append([]string{"--config-dir", c.dir, "--engine", engine}, c.args...)...)
				if r.code != c.code || r.stdout != c.out {
					t.Fatalf("got %s; want exit %d and %q", r, c.code, c.out)
				}
			})
		}
	}
}
