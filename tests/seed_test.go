package tests

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestSeedOutputs compares the text output with the PBS documentation
// (docs/user-management.rst, "Effective Permissions"): John holds
// DatastoreAdmin on /datastore/store1, his token client1 DatastoreBackup.
func TestSeedOutputs(t *testing.T) {
	for _, tc := range []struct {
		authID, path, want string
	}{
		{
			authID: "john@pbs",
			path:   "/datastore/store1",
			want: `Privileges with (*) have the propagate flag set

Path: /datastore/store1
- Datastore.Audit (*)
- Datastore.Backup (*)
- Datastore.Modify (*)
- Datastore.Prune (*)
- Datastore.Read (*)
- Datastore.Verify (*)
`,
		},
		{
			authID: "john@pbs!client1",
			path:   "/datastore/store1",
			want: `Privileges with (*) have the propagate flag set

Path: /datastore/store1
- Datastore.Backup (*)
`,
		},
	} {
		t.Run(tc.authID, func(t *testing.T) {
			t.Parallel()
			r := runPxacl(t, "--config-dir", examplesDir(), "user", "permissions", tc.authID, "--path", tc.path)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("pxacl user permissions %s --path %s: %s", tc.authID, tc.path, r)
			}
			if r.stdout != tc.want {
				t.Errorf("pxacl user permissions %s --path %s:\n--- got ---\n%s--- want (PBS docs) ---\n%s", tc.authID, tc.path, r.stdout, tc.want)
			}
		})
	}
}

// TestGoldenUserPermissions: the full `user permissions` listing (every
// acl.cfg node plus the default paths, §11) of the example configuration.
// Regenerate with `go test ./tests -run Golden -update` and review the diff.
func TestGoldenUserPermissions(t *testing.T) {
	for _, tc := range []struct{ authID, golden string }{
		{"john@pbs", "user_permissions_john.txt"},
		{"john@pbs!client1", "user_permissions_john_client1.txt"},
		{"audit@pbs", "user_permissions_audit.txt"},
	} {
		t.Run(tc.authID, func(t *testing.T) {
			t.Parallel()
			r := runPxacl(t, "--config-dir", examplesDir(), "user", "permissions", tc.authID)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("pxacl user permissions %s: %s", tc.authID, r)
			}
			file := filepath.Join(moduleRoot, "tests", "testdata", "golden", tc.golden)
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if r.stdout != string(want) {
				t.Errorf("pxacl user permissions %s differs from %s:\n--- got ---\n%s--- want ---\n%s", tc.authID, file, r.stdout, want)
			}
		})
	}
}
