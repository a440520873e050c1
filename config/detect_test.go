package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectFlavor(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		flavor  Flavor
		want    Flavor
		wantErr string
	}{
		// PBS section config: "user: john@pbs" (docs/semantics.md §5.1).
		{name: "pbs section config", dir: "testdata/pbs", want: PBS},
		// PVE one-line form "user:john@pve:1:0:::::" (docs/semantics.md, pve §1).
		{name: "pve line format", dir: "testdata/pve", want: PVE},
		{name: "pve after blank lines", dir: "testdata/pve-blank-first", want: PVE},
		// No user.cfg: PBS treats a missing file as empty and injects
		// root@pam (§5.1, §2.1), so a dir with only acl.cfg is PBS.
		{name: "dir without user.cfg", dir: "testdata/acl-only", want: PBS},
		// A directory with no configuration file at all is a typo in
		// --config-dir, not an empty configuration.
		{name: "empty dir", dir: "testdata/empty", wantErr: "config dir testdata/empty: holds none of user.cfg, acl.cfg, domains.cfg"},
		{name: "explicit pbs, empty dir", dir: "testdata/empty", flavor: PBS, wantErr: "holds none of"},
		{name: "empty user.cfg", dir: "testdata/pbs-empty-usercfg", want: PBS},
		// An explicit flavor is returned as is, without reading user.cfg.
		{name: "explicit pbs on pve dir", dir: "testdata/pve", flavor: PBS, want: PBS},
		{name: "explicit pve on pbs dir", dir: "testdata/pbs", flavor: PVE, want: PVE},
		{name: "explicit pve, missing dir", dir: "testdata/does-not-exist", flavor: PVE, wantErr: "config dir testdata/does-not-exist: no such directory"},
		{name: "unknown flavor", dir: "testdata/pbs", flavor: "pmg", wantErr: `unknown flavor "pmg"`},
		{name: "flavor is case-sensitive", dir: "testdata/pbs", flavor: "PBS", wantErr: "unknown flavor"},
		{name: "missing dir", dir: "testdata/does-not-exist", wantErr: "config dir testdata/does-not-exist: no such directory"},
		{name: "not a directory", dir: "testdata/pbs/user.cfg", wantErr: "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectFlavor(tt.dir, tt.flavor)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("DetectFlavor(%q, %q) = %q, want error containing %q", tt.dir, tt.flavor, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DetectFlavor(%q, %q): %v", tt.dir, tt.flavor, err)
			}
			if got != tt.want {
				t.Errorf("DetectFlavor(%q, %q) = %q, want %q", tt.dir, tt.flavor, got, tt.want)
			}
		})
	}
}

// TestDetectFlavorFirstLine: only the first non-blank line decides.
func TestDetectFlavorFirstLine(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    Flavor
	}{
		{"pbs user header", "user: john@pbs\n", PBS},
		{"pbs token header", "token: john@pbs!t\n", PBS},
		{"pve user", "user:john@pve:1:0:::::\n", PVE},
		{"pve group", "group:admins:john@pve::\n", PVE},
		{"pve token", "token:john@pve!t:0:1::\n", PVE},
		{"pve role", "role:Custom:VM.Audit:\n", PVE},
		{"pve pool", "pool:p1::::\n", PVE},
		{"pve acl", "acl:1:/:john@pve:Administrator:\n", PVE},
		{"pve crlf", "user:john@pve:1:0:::::\r\n", PVE},
		{"pbs first, pve later", "user: john@pbs\n\nuser:x@pve:1:0:::::\n", PBS},
		{"only blank lines", "\n  \n\t\n", PBS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := DetectFlavor(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DetectFlavor(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}
