package addrecovery

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"
	"github.com/pxacl/pxacl/tfa/tfatest"
)

func TestNewCmdAddRecovery(t *testing.T) {
	for _, tc := range []struct {
		args, wantErr string
	}{
		{args: "john@pbs"},
		{args: "", wantErr: "accepts 1 arg(s)"},
		{args: "john@pbs --count 5", wantErr: "unknown flag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, err := cmdtest.Parse(NewCmdAddRecovery, tc.args)
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || got.UserID != "john@pbs" {
				t.Fatalf("options %+v: %v", got, err)
			}
		})
	}
}

// 10 single-use keys xxxx-xxxx-xxxx-xxxx, printed once, stored as keyed
// hashes in tfa.json (mode 0600); one set per user (docs/semantics.md §9).
func TestAddRecoveryRun(t *testing.T) {
	keyRE := regexp.MustCompile(`^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$`)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			dir := cmdtest.CopyExample(t, "pbs")
			f, bufs := cmdutil.NewTestFactory(dir)
			f.Config.OutputFormat = format
			opts := &AddRecoveryOptions{IO: f.IOStreams, Config: f.Config, UserID: "john@pbs"}
			if err := addRecoveryRun(opts); err != nil {
				t.Fatal(err)
			}
			var keys []string
			if format == "text" {
				out := bufs.Out.String()
				if !strings.HasPrefix(out, "Recovery keys of john@pbs: each works once, and they are shown only now.\n") {
					t.Errorf("output %q", out)
				}
				for _, m := range regexp.MustCompile(`(?m)^ ?\d: (\S+)$`).FindAllStringSubmatch(out, -1) {
					keys = append(keys, m[1])
				}
			} else {
				var v struct {
					ID       string   `json:"id"`
					Recovery []string `json:"recovery"`
				}
				if err := json.Unmarshal(bufs.Out.Bytes(), &v); err != nil || v.ID != "recovery" {
					t.Fatalf("output %s: %v", bufs.Out, err)
				}
				keys = v.Recovery
			}
			if len(keys) != 10 {
				t.Fatalf("%d keys: %s", len(keys), bufs.Out)
			}
			data, err := os.ReadFile(filepath.Join(dir, "tfa.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if !keyRE.MatchString(k) || strings.Contains(string(data), k) {
					t.Errorf("key %q (stored in clear: %v)", k, strings.Contains(string(data), k))
				}
			}
			if secrets, err := tfatest.Secrets(data); err != nil || len(secrets) == 0 {
				t.Errorf("no secret in tfa.json: %v", err)
			}
			if st, _ := os.Stat(filepath.Join(dir, "tfa.json")); st.Mode().Perm() != 0o600 {
				t.Errorf("tfa.json mode %v", st.Mode())
			}
			// one set per user
			bufs.Out.Reset()
			err = addRecoveryRun(opts)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "user already has recovery keys") || bufs.Out.Len() != 0 {
				t.Errorf("second set: %v, output %q", err, bufs.Out)
			}
			if after, _ := os.ReadFile(filepath.Join(dir, "tfa.json")); string(after) != string(data) {
				t.Errorf("a refused add-recovery changed tfa.json")
			}
		})
	}
}

func TestAddRecoveryRunRejected(t *testing.T) {
	dir := cmdtest.CopyExample(t, "pbs")
	for _, id := range []string{"nobody@pbs", "john", "john@pbs!client1"} {
		f, bufs := cmdutil.NewTestFactory(dir)
		err := addRecoveryRun(&AddRecoveryOptions{IO: f.IOStreams, Config: f.Config, UserID: id})
		if cmdutil.ExitCode(err) != 2 || bufs.Out.Len() != 0 {
			t.Errorf("%s: %v, output %q", id, err, bufs.Out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tfa.json")); err == nil {
		t.Errorf("tfa.json written")
	}
}
