package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyExample copies examples/<name> into a temp dir.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "examples", name)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRealmEndToEnd runs realm add/modify/delete/list on copies of both
// examples: bind passwords go to the product's file (never domains.cfg,
// stdout or stderr), bad input exits 2 and leaves every file as it was,
// the digest guards modify.
func TestRealmEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		flavor, pwFile, builtin, digestLen string
		add                                []string
	}{
		{"pbs", "ldap_passwords.json", "pbs", "64", []string{"--server1", "ldap.example.com", "--base-dn", "dc=example,dc=com", "--user-attr", "uid"}},
		{"pve", "priv/realm/corp2.pw", "pve", "40", []string{"--server1", "ldap.example.com", "--base_dn", "dc=example,dc=com", "--user-attr", "uid"}},
	} {
		t.Run(tc.flavor, func(t *testing.T) {
			dir := copyExample(t, tc.flavor)
			const secret = "Bind-S3cret!"
			args := append([]string{"--config-dir", dir, "realm", "add", "corp2", "--type", "ldap", "--comment", "Corp", "--password-stdin"}, tc.add...)
			r := runCmd(t, pxaclBin, []byte(secret+"\n"), args...)
			if r.code != 0 {
				t.Fatalf("add: %s", r)
			}
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("secret printed: %s", r)
			}
			cfg, _ := os.ReadFile(filepath.Join(dir, "domains.cfg"))
			if strings.Contains(string(cfg), secret) || !strings.Contains(string(cfg), "ldap: corp2\n") {
				t.Errorf("domains.cfg:\n%s", cfg)
			}
			pw, err := os.ReadFile(filepath.Join(dir, tc.pwFile))
			if err != nil || !strings.Contains(string(pw), secret) {
				t.Errorf("%s: %q %v", tc.pwFile, pw, err)
			}
			if st, _ := os.Stat(filepath.Join(dir, tc.pwFile)); st == nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s mode: %v", tc.pwFile, st)
			}

			list := mustRun(t, dir, "realm", "list")
			if !strings.Contains(list.stdout, "│ corp2 ") || !strings.Contains(list.stdout, "│ "+tc.builtin+" ") {
				t.Errorf("list:\n%s", list.stdout)
			}
			var l struct {
				Data   []map[string]any `json:"data"`
				Digest string           `json:"digest"`
			}
			if err := json.Unmarshal([]byte(mustRun(t, dir, "realm", "list", "--output-format", "json").stdout), &l); err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"64": 64, "40": 40}[tc.digestLen]; len(l.Digest) != want {
				t.Errorf("digest %q", l.Digest)
			}

			// bad input: exit 2, nothing changes, no lock or temp left
			snap := treeSnapshot(t, dir)
			for _, bad := range [][]string{
				{"realm", "add", "corp2", "--type", "ldap", "--server1", "x", "--base-dn", "d", "--user-attr", "uid"},
				{"realm", "add", "z9", "--type", "ldap", "--server1", "x"},
				{"realm", "add", "z9", "--type", "nope"},
				{"realm", "modify", "corp2", "--port", "70000"},
				{"realm", "modify", "corp2", "--comment", "x", "--digest", strings.Repeat("a", map[string]int{"64": 64, "40": 40}[tc.digestLen])},
				{"realm", "modify", "nope", "--comment", "x"},
				{"realm", "delete", "nope"},
				{"realm", "add", "sso2", "--type", "openid", "--issuer-url", "https://x", "--client-id", "c", "--password", "pw"},
			} {
				r := runPxacl(t, append([]string{"--config-dir", dir}, bad...)...)
				if r.code != 2 || r.stderr == "" {
					t.Errorf("%q: %s", bad, r)
				}
			}
			if tc.flavor == "pbs" {
				if r := runPxacl(t, "--config-dir", dir, "realm", "delete", "pam"); r.code != 2 {
					t.Errorf("delete pam: %s", r)
				}
			}
			after := treeSnapshot(t, dir)
			for k, v := range snap {
				if after[k] != v {
					t.Errorf("%s changed after a failure", k)
				}
			}
			for k := range after {
				if _, ok := snap[k]; !ok {
					t.Errorf("%s left behind", k)
				}
			}
			if lk, _ := os.ReadDir(filepath.Join(dir, "priv", "lock")); len(lk) != 0 {
				t.Errorf("lock left: %v", lk)
			}

			mustRun(t, dir, "realm", "modify", "corp2", "--comment", "Corporate", "--digest", l.Digest)
			mustRun(t, dir, "realm", "delete", "corp2")
			if _, err := os.Stat(filepath.Join(dir, tc.pwFile)); err == nil && tc.flavor == "pve" {
				t.Errorf("password file kept after delete")
			}
			if pw, _ := os.ReadFile(filepath.Join(dir, tc.pwFile)); strings.Contains(string(pw), secret) {
				t.Errorf("password kept after delete")
			}
		})
	}
}
