package list

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

const examples = "../../../../examples"

func TestNewCmdList(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{args: ""},
		{args: "/", wantErr: "unknown command"},
		{args: "--path /", wantErr: "unknown flag"},
	} {
		f, _ := cmdutil.NewTestFactory(".")
		called := false
		err := cmdutil.ExecuteArgs(NewCmdList(f, func(*ListOptions) error { called = true; return nil }), tc.args)
		if tc.wantErr == "" && (err != nil || !called) || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%q: %v (called %v)", tc.args, err, called)
		}
	}
}

func TestListRun(t *testing.T) {
	for _, tc := range []struct {
		dir, format string
		want        []string
	}{
		// one row per subject and role (docs/semantics.md §2.1)
		{"pbs", "text", []string{"│ ugid                               │ path                     │ propagate │ roleid             │\n",
			"│ john@pbs!client1                   │ /datastore/store1/ns1    │         1 │ DatastoreBackup    │\n",
			"│ john@pbs!client1                   │ /datastore/store1/ns1    │         1 │ DatastoreReader    │\n",
			"│ audit@pbs                          │ /system                  │         0 │ NoAccess           │\n"}},
		{"pbs", "json", []string{`{"path":"/system","ugid":"audit@pbs","ugid_type":"user","propagate":false,"roleid":"NoAccess"}`}},
		// pveum acl list: groups as @group (docs/semantics.md pve §1.3)
		{"pve", "text", []string{"│ @auditors        │ /              │         1 │ PVEAuditor           │\n", "│ alice@pve        │ /storage/local │         0 │ PVEDatastoreUser     │\n"}},
		{"pve", "json", []string{`"ugid":"auditors"`, `"type":"group"`}},
	} {
		t.Run(tc.dir+"/"+tc.format, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(examples + "/" + tc.dir)
			f.Config.OutputFormat = tc.format
			if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(bufs.Out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, bufs.Out)
				}
			}
			if tc.format != "json" {
				return
			}
			// the digest is the SHA-256 of the file, for --digest
			var l struct {
				Digest string `json:"digest"`
			}
			file := map[string]string{"pbs": "/acl.cfg", "pve": "/user.cfg"}[tc.dir]
			b, _ := os.ReadFile(examples + "/" + tc.dir + file)
			sum := sha256.Sum256(b)
			if err := json.Unmarshal(bufs.Out.Bytes(), &l); err != nil || l.Digest != hex.EncodeToString(sum[:]) {
				t.Errorf("digest %q, want the SHA-256 of %s: %v", l.Digest, file, err)
			}
		})
	}
}

func TestListRunMissingDir(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(t.TempDir() + "/missing")
	if err := listRun(&ListOptions{IO: f.IOStreams, Config: f.Config}); cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "pbs config directory") {
		t.Errorf("error %v", err)
	}
}
