package tests

import (
	"strings"
	"testing"
)

// PVE warnings print config values escaped (internal/safetext): an ESC
// sequence in user.cfg reaches the terminal as \x1b, a BOM as \ufeff, and
// a 5 MB garbage line as a short warning with its size.
func TestPVEWarningsEscaped(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"user.cfg": strings.Join([]string{
		"user:late@pve:1:0::::::",
		"user:\x1b[2Jevil:1:0::::::",
		"\ufeffrole:R1:VM.Audit:",
		"bogus" + strings.Repeat("x", 5<<20),
		"acl:1:/vms:late@pve:PVEAuditor:",
	}, "\n")})
	r := runPxacl(t, "--config-dir", dir, "--output-format", "json", "user", "permissions", "late@pve", "--path", "/vms/100")
	if r.code != 0 {
		t.Fatalf("user permissions: %s", r)
	}
	for _, w := range []string{`user.cfg:2: user config - ignore user '\x1b[2Jevil'`, `user.cfg:3: user config - ignore config line: \ufeffrole`, "user.cfg:4:", "(5242885 bytes)"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not contain %q:\n%.2000s", w, r.stderr)
		}
	}
	if strings.ContainsAny(r.stderr, "\x1b\ufeff") || len(r.stderr) > 2000 {
		t.Errorf("raw control characters or a long value in %d bytes of stderr: %.2000q", len(r.stderr), r.stderr)
	}
}
