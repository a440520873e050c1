package tests

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pxacl/pxacl/tfa"
	"github.com/pxacl/pxacl/tfa/tfatest"
)

// The `pxacl user tfa` commands end to end (docs/semantics.md §9): what
// needs processes (concurrent verifications, environment and flag
// variants). The commands' behaviour is tested in process in
// pkg/cmd/user/tfa/* and pkg/cmd/user/remove.

// knownURI is a TOTP the tests know the secret of (the RFC 6238 SHA1 seed).
const knownURI = "otpauth://totp/Proxmox%20Backup%20Server:john%40pbs?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server"

func totpCode(t *testing.T, uri string, at time.Time) string {
	t.Helper()
	k, err := tfa.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tfaDir is a copy of the example configuration.
func tfaDir(t *testing.T) string {
	t.Helper()
	return copyDir(t, examplesDir())
}

func pxacl(t *testing.T, dir string, stdin string, args ...string) cliResult {
	t.Helper()
	var in []byte
	if stdin != "" {
		in = []byte(stdin)
	}
	return runCmd(t, pxaclBin, in, append([]string{"--config-dir", dir}, args...)...)
}

func want(t *testing.T, r cliResult, code int, substrings ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("want exit %d: %s", code, r)
		return
	}
	for _, s := range substrings {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("missing %q: %s", s, r)
		}
	}
}

// TestTFAConcurrentVerifyCLI: 20 pxacl processes verify one recovery key
// at once: exactly one is accepted (the whole verification runs under
// tfa.json.lock).
func TestTFAConcurrentVerifyCLI(t *testing.T) {
	dir := tfaDir(t)
	r := pxacl(t, dir, "", "--output-format", "json", "user", "tfa", "add-recovery", "john@pbs")
	var rec struct{ Recovery []string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rec) != nil || len(rec.Recovery) != 10 {
		t.Fatalf("add-recovery: %s", r)
	}
	const n = 20
	codes := make([]int, n)
	outs := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "recovery:"+rec.Recovery[5])
			codes[i], outs[i] = r.code, r.stdout+r.stderr
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, c := range codes {
		switch {
		case c == 0:
			ok++
		case c == 1 && strings.Contains(outs[i], "refused: wrong or used recovery key"):
		default:
			t.Errorf("process %d: exit %d: %s", i, c, outs[i])
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent verifications of one recovery key succeeded, want exactly 1", ok, n)
	}
}

// TestTFAMalformed: a malformed tfa.json makes every
// command that needs it (user tfa, user remove, lint) exit 2 with the
// file's name and position, and changes no file; the commands whose
// answers do not depend on it (check, user permissions, who-can, bundle
// build, explain) warn once on stderr and answer, and the bundle has no
// TFA state and says why in data.pxacl.meta.tfa. No output shows any
// content of tfa.json.
func TestTFAMalformed(t *testing.T) {
	dir := tfaDir(t)
	path := filepath.Join(dir, "tfa.json")
	const marker = "SECRETMARKERSEEDQ"
	writeFiles(t, dir, map[string]string{
		"tfa.json": `{"users":{"john@pbs":{"totp":[{"id":"` + marker + `","created":1,"entry":"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ&` + marker + `=1"}],}}}`,
	})
	// lock files first, so that the snapshot holds them
	want(t, pxacl(t, dir, "", "acl", "update", "/", "Audit", "--auth-id", "john@pbs"), 0)
	want(t, pxacl(t, dir, "", "acl", "update", "/", "Audit", "--auth-id", "john@pbs", "--delete"), 0)
	want(t, pxacl(t, dir, "", "user", "update", "john@pbs", "--comment", "An example user."), 0)
	if err := os.WriteFile(filepath.Join(dir, "tfa.json.lock"), nil, 0o660); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	noContent := func(args []string, r cliResult) {
		t.Helper()
		if strings.Contains(r.stdout+r.stderr, "GEZDGNBV") || strings.Contains(r.stdout+r.stderr, "MARKER") {
			t.Errorf("%q shows content of tfa.json: %s", args, r)
		}
		if after := snapshot(t, dir); !maps.Equal(before, after) {
			t.Errorf("%q changed the directory", args)
		}
	}
	for _, args := range [][]string{
		{"user", "tfa", "list"},
		{"user", "tfa", "list", "john@pbs"},
		{"user", "tfa", "add-totp", "john@pbs", "--description", "x", "--totp", knownURI, "--code", totpCode(t, knownURI, time.Now())},
		{"user", "tfa", "add-recovery", "john@pbs"},
		{"user", "tfa", "delete", "john@pbs", "x"},
		{"user", "tfa", "unlock", "john@pbs"},
		{"user", "tfa", "verify", "john@pbs", "totp:123456"},
		{"user", "remove", "john@pbs"},
		{"lint"},
		{"--output-format", "json", "lint"},
	} {
		r := pxacl(t, dir, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "pxacl: "+path+":1:") || !strings.Contains(r.stderr, "invalid JSON syntax") {
			t.Errorf("%q: want exit 2 naming %s:1:COL: %s", args, path, r)
		}
		noContent(args, r)
	}
	warning := "warning: " + path + ":1:"
	bundle := filepath.Join(t.TempDir(), "b.tar.gz")
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"check", "john@pbs", "/datastore/store1", "Datastore.Audit"}, 0, "allowed"},
		{[]string{"check", "john@pbs", "/", "Sys.Modify"}, 1, "denied"},
		{[]string{"user", "permissions", "john@pbs", "--path", "/datastore/store1"}, 0, "Datastore.Audit"},
		{[]string{"who-can", "Datastore.Audit", "/datastore/store1"}, 0, "john@pbs"},
		{[]string{"explain", "john@pbs", "/datastore/store1", "Datastore.Audit"}, 0, "john@pbs"},
		{[]string{"bundle", "build", "-o", bundle}, 0, "wrote " + bundle},
		{[]string{"--output-format", "json", "bundle", "build", "-o", bundle}, 0, `"tfa":"unavailable: tfa.json:1:`},
	} {
		r := pxacl(t, dir, "", tt.args...)
		if r.code != tt.code || !strings.Contains(r.stdout, tt.out) {
			t.Errorf("%q: want exit %d and %q: %s", tt.args, tt.code, tt.out, r)
		}
		if n := strings.Count(r.stderr, "warning: "); n != 1 || !strings.Contains(r.stderr, warning) ||
			!strings.Contains(r.stderr, "invalid JSON syntax") || !strings.Contains(r.stderr, "the second-factor state is left out") {
			t.Errorf("%q: want exactly one warning naming %s: %s", tt.args, path, r)
		}
		noContent(tt.args, r)
	}
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := untar(t, raw)
	var data struct {
		Meta map[string]any
		TFA  map[string]any `json:"tfa"`
	}
	if err := json.Unmarshal(files["pxacl/data.json"], &data); err != nil {
		t.Fatal(err)
	}
	reason, _ := data.Meta["tfa"].(string)
	if !regexp.MustCompile(`^unavailable: tfa\.json:1:\d+: invalid JSON syntax \(byte offset \d+\)$`).MatchString(reason) || data.TFA != nil {
		t.Errorf("bundle: meta.tfa %q, tfa %v", reason, data.TFA)
	}
	if strings.Contains(string(files["pxacl/data.json"]), "MARKER") {
		t.Error("the bundle shows content of tfa.json")
	}
	// the real opa answers from this bundle
	r := runCmd(t, opaBin(t), nil, "eval", "-b", bundle, "-f", "raw", "data.pxacl.meta.tfa")
	if r.code != 0 || strings.TrimSpace(r.stdout) != reason {
		t.Errorf("opa eval meta.tfa: %s", r)
	}
}

// TestTFABundleNoSecrets: a bundle built from a configuration with a
// PBS-written tfa.json holds the non-secret TFA state and no secret of
// tfa.json anywhere in the tar (§9: no secret goes into a bundle); the
// real opa binary explains the state from the bundle alone.
func TestTFABundleNoSecrets(t *testing.T) {
	dir := t.TempDir()
	tfaJSON, err := os.ReadFile(filepath.Join(moduleRoot, "tfa", "testdata", "pbs-tfa.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"user.cfg": "user: root@pam\n\tcomment Superuser\n\nuser: john@pbs\n\ntoken: john@pbs!ci\n\nuser: ops@pbs\n",
		"acl.cfg":  "acl:1:/datastore:john@pbs,john@pbs!ci:DatastoreAdmin\nacl:1:/:ops@pbs:Admin\n",
		"tfa.json": string(tfaJSON),
	})
	out := filepath.Join(t.TempDir(), "pxacl.tar.gz")
	want(t, pxacl(t, dir, "", "bundle", "build", "-o", out), 0)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	files, plain := untar(t, raw)
	secrets := secretsOf(t, tfaJSON)
	for _, s := range secrets {
		if strings.Contains(string(plain), s) || strings.Contains(string(raw), s) {
			t.Errorf("the bundle holds a secret of tfa.json: %q", s)
		}
	}
	data := string(files["pxacl/data.json"])
	if !strings.Contains(data, `"tfa":{"john@pbs":{"factors":{"totp":1,"u2f":1},"totp_locked":true,"tfa_locked_until":4102444800}`) {
		t.Errorf("data.json has no TFA state: %.400s", data)
	}
	if strings.Contains(data, "otpauth") || strings.Contains(data, `"secret"`) || strings.Contains(data, "tfa.json") {
		t.Errorf("data.json mentions TFA secrets or tfa.json")
	}
	// the real opa binary answers explain's tfa from the bundle alone
	in := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(in, []byte(`{"auth_id":"john@pbs!ci","path":"/datastore","privilege":"Datastore.Read","now":1750000000}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, opaBin(t), nil, "eval", "-b", out, "-i", in, "-f", "raw", "data.pxacl.explain.tfa")
	wantTFA := `{"factors":["totp","u2f"],"locked_until":4102444800,"recovery_keys":null,"token_bypasses":true,"totp_locked":true,"user":"john@pbs"}`
	if r.code != 0 || strings.TrimSpace(r.stdout) != wantTFA {
		t.Errorf("opa eval explain.tfa: %s\nwant %s", r, wantTFA)
	}
	// and pxacl explain says it in words
	want(t, pxacl(t, dir, "", "explain", "john@pbs!ci", "/datastore", "Datastore.Read"), 0,
		"Second factors of john@pbs (tfa.json, docs/semantics.md §9): totp, u2f\n",
		"  TOTP is locked (8 consecutive failures)",
		"  every second factor is locked until 2100-01-01T00:00:00Z",
		"  an API token authenticates without its owner's second factor")
	// lint sees it too: ops@pbs (Admin) has WebAuthn and Yubico, root@pam
	// TOTP, WebAuthn and recovery keys: no admin lacks a second factor
	r = pxacl(t, dir, "", "lint")
	if strings.Contains(r.stdout, "[no-second-factor]") || !strings.Contains(r.stdout, "[tfa-locked] john@pbs") {
		t.Errorf("lint: %s", r)
	}
}

// secretsOf lists the secret strings of a tfa.json (tfatest.Secrets).
func secretsOf(t *testing.T, data []byte) []string {
	t.Helper()
	out, err := tfatest.Secrets(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 15 {
		t.Fatalf("only %d secrets found", len(out))
	}
	return out
}

// TestTFALockoutWhateverFlags: 30 wrong codes, each run
// with other flags, environment or another name of the configuration
// directory, count in one place: the 8th counted failure locks TOTP, and
// a valid code is refused afterwards. A flag that would move the counters
// does not exist.
func TestTFALockoutWhateverFlags(t *testing.T) {
	dir := tfaDir(t)
	want(t, pxacl(t, dir, "", "user", "tfa", "add-totp", "john@pbs", "--description", "phone", "--totp", knownURI,
		"--code", totpCode(t, knownURI, time.Now())), 0)
	alias := filepath.Join(t.TempDir(), "alias")
	if err := os.Symlink(dir, alias); err != nil {
		t.Fatal(err)
	}
	variants := []struct {
		dir  string
		env  map[string]string
		args []string
	}{
		{dir: dir},
		{dir: dir + "/"},
		{dir: alias},
		{dir: filepath.Join(dir, "..", filepath.Base(dir))},
		{dir: dir, env: map[string]string{"XDG_RUNTIME_DIR": "FRESH", "TMPDIR": "FRESH", "HOME": "FRESH"}},
		{dir: dir, env: map[string]string{"PXACL_STATE_DIR": "FRESH", "PXACL_TFA_STATE_DIR": "FRESH", "PXACL_COUNTERS_DIR": "FRESH"}},
		{dir: dir, args: []string{"--state-dir", "FRESH"}},
		{dir: dir, args: []string{"--flavor", "pbs", "--output-format", "json"}},
	}
	counted := 0
	for i := range 30 {
		v := variants[i%len(variants)]
		fresh := t.TempDir()
		for k, val := range v.env {
			t.Setenv(k, strings.ReplaceAll(val, "FRESH", fresh))
		}
		args := []string{"user", "tfa", "verify", "john@pbs", "totp:000000"}
		for _, a := range v.args {
			args = append(args, strings.ReplaceAll(a, "FRESH", fresh))
		}
		r := pxacl(t, v.dir, "", args...)
		for k := range v.env {
			os.Unsetenv(k)
		}
		switch {
		case r.code == 1:
			counted++
			if counted == 8 && !strings.Contains(r.stdout+r.stderr, "TOTP is now locked") {
				t.Errorf("8th failure does not lock: %s", r)
			}
			if counted > 8 && !strings.Contains(r.stdout+r.stderr, "TOTP locked") {
				t.Errorf("failure %d not refused as locked: %s", counted, r)
			}
		case r.code == 2 && strings.Contains(r.stderr, "unknown flag: --state-dir"):
		default:
			t.Errorf("run %d (%+v): %s", i, v, r)
		}
		if entries, _ := os.ReadDir(fresh); len(entries) != 0 {
			t.Errorf("run %d wrote counters into a directory of the caller's: %v", i, entries)
		}
	}
	if counted < 20 {
		t.Fatalf("only %d runs counted", counted)
	}
	code := totpCode(t, knownURI, time.Now().Add(30*time.Second))
	want(t, pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "totp:"+code), 1, "refused: TOTP locked")
	want(t, pxacl(t, dir, "", "user", "tfa", "list", "john@pbs"), 0, "john@pbs: TOTP locked after 8 consecutive failures")
}

// TestTFACountersFailClosedCLI: an empty counters file
// (what an interrupted in-place write used to leave) refuses a valid code
// as locked (exit 1) instead of starting from zero failures; unlock
// rewrites it. A symlink planted as the counters file is refused (exit 2)
// and its target left alone.
func TestTFACountersFailClosedCLI(t *testing.T) {
	dir := tfaDir(t)
	want(t, pxacl(t, dir, "", "user", "tfa", "add-totp", "john@pbs", "--description", "phone", "--totp", knownURI,
		"--code", totpCode(t, knownURI, time.Now().Add(-30*time.Second))), 0)
	want(t, pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "totp:000000"), 1, "wrong TOTP code")
	counters := filepath.Join(dir, ".tfa-challenges", "john@pbs")
	if err := os.WriteFile(counters, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code := totpCode(t, knownURI, time.Now())
	want(t, pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "totp:"+code), 1,
		"refused: the failure counters of john@pbs", "are empty: every second factor counts as locked until 'pxacl user tfa unlock john@pbs'")
	want(t, pxacl(t, dir, "", "user", "tfa", "unlock", "john@pbs"), 0)
	want(t, pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "totp:"+code), 0, "ok: TOTP code accepted")

	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(counters)
	if err := os.Symlink(victim, counters); err != nil {
		t.Fatal(err)
	}
	want(t, pxacl(t, dir, "", "user", "tfa", "verify", "john@pbs", "totp:000000"), 2, "is a symbolic link: refused, not followed")
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the symlink's target changed: %q", b)
	}
}
