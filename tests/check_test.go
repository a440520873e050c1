package tests

import "testing"

// The denial text of `check` is PBS's check_privs error (§3.4): every
// required privilege in PBS's privilege order, joined with '&' (all) or
// '|' (any), on the normalised path; an inactive account gets the
// authentication error instead (§4.2).
func TestCheckMessages(t *testing.T) {
	dir := examplesDir()
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"allowed", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read"}, 0, "allowed\n"},
		{"all, canonical order", []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read", "Datastore.Allocate"}, 1,
			"denied: missing permissions 'Datastore.Allocate&Datastore.Read' on '/datastore/store1'\n"},
		{"any, canonical order", []string{"check", "john@pbs", "//datastore//store1/", "Datastore.Allocate", "Sys.Audit", "--any"}, 1,
			"denied: missing permissions 'Sys.Audit|Datastore.Allocate' on '/datastore/store1'\n"},
		{"expired token", []string{"check", "john@pbs!old-laptop", "/datastore/store1", "Datastore.Backup"}, 1,
			"denied: user account or token disabled or expired.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runPxacl(t, append([]string{"--config-dir", dir}, c.args...)...)
			if r.code != c.code || r.stdout != c.out {
				t.Fatalf("got %s; want exit %d and %q", r, c.code, c.out)
			}
		})
	}
}
