package tests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pxacl/pxacl/internal/shacrypt"
)

// snapshot maps every file name in dir to the SHA-256 of its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

func mustRun(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	r := runPxacl(t, append([]string{"--config-dir", dir}, args...)...)
	if r.code != 0 {
		t.Fatalf("pxacl %q: %s", args, r)
	}
	return r
}

// TestManageSeedOutputs replays the seed document's user, token and ACL
// commands on an empty directory and compares the tables byte for byte.
func TestManageSeedOutputs(t *testing.T) {
	dir := t.TempDir()
	wantRoot := `┌──────────┬────────┬────────┬───────────┬──────────┬───────┬───────────┐
│ userid   │ enable │ expire │ firstname │ lastname │ email │ comment   │
╞══════════╪════════╪════════╪═══════════╪══════════╪═══════╪═══════════╡
│ root@pam │      1 │        │           │          │       │ Superuser │
└──────────┴────────┴────────┴───────────┴──────────┴───────┴───────────┘
`
	if got := mustRun(t, dir, "user", "list").stdout; got != wantRoot {
		t.Errorf("user list on an empty dir:\n%s", got)
	}
	mustRun(t, dir, "user", "create", "john@pbs", "--email", "john@example.com")
	mustRun(t, dir, "user", "update", "john@pbs", "--firstname", "John", "--lastname", "Smith")
	mustRun(t, dir, "user", "update", "john@pbs", "--comment", "An example user.")
	want := `┌──────────┬────────┬────────┬───────────┬──────────┬──────────────────┬──────────────────┐
│ userid   │ enable │ expire │ firstname │ lastname │ email            │ comment          │
╞══════════╪════════╪════════╪═══════════╪══════════╪══════════════════╪══════════════════╡
│ john@pbs │      1 │        │ John      │ Smith    │ john@example.com │ An example user. │
├──────────┼────────┼────────┼───────────┼──────────┼──────────────────┼──────────────────┤
│ root@pam │      1 │        │           │          │                  │ Superuser        │
└──────────┴────────┴────────┴───────────┴──────────┴──────────────────┴──────────────────┘
`
	if got := mustRun(t, dir, "user", "list").stdout; got != want {
		t.Errorf("user list:\n%s", got)
	}
	gen := mustRun(t, dir, "user", "generate-token", "john@pbs", "client1").stdout
	if !strings.HasPrefix(gen, "Result: {\n  \"tokenid\": \"john@pbs!client1\",\n  \"value\": \"") {
		t.Errorf("generate-token:\n%s", gen)
	}
	wantTokens := `┌──────────────────┬────────┬────────┬─────────┐
│ tokenid          │ enable │ expire │ comment │
╞══════════════════╪════════╪════════╪═════════╡
│ john@pbs!client1 │      1 │        │         │
└──────────────────┴────────┴────────┴─────────┘
`
	if got := mustRun(t, dir, "user", "list-tokens", "john@pbs").stdout; got != wantTokens {
		t.Errorf("list-tokens:\n%s", got)
	}
	mustRun(t, dir, "acl", "update", "/datastore/store1", "DatastoreAdmin", "--auth-id", "john@pbs")
	wantACL := `┌──────────┬───────────────────┬───────────┬────────────────┐
│ ugid     │ path              │ propagate │ roleid         │
╞══════════╪═══════════════════╪═══════════╪════════════════╡
│ john@pbs │ /datastore/store1 │         1 │ DatastoreAdmin │
└──────────┴───────────────────┴───────────┴────────────────┘
`
	if got := mustRun(t, dir, "acl", "list").stdout; got != wantACL {
		t.Errorf("acl list:\n%s", got)
	}
	wantUserCfg := "user: root@pam\n\tcomment Superuser\n\nuser: john@pbs\n\tcomment An example user.\n\temail john@example.com\n\tfirstname John\n\tlastname Smith\n\ntoken: john@pbs!client1\n"
	if b, _ := os.ReadFile(filepath.Join(dir, "user.cfg")); string(b) != wantUserCfg {
		t.Errorf("user.cfg:\n%s", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "acl.cfg")); string(b) != "acl:1:/datastore/store1:john@pbs:DatastoreAdmin\n" {
		t.Errorf("acl.cfg:\n%s", b)
	}
	var list struct {
		Data []struct {
			Ugid, Path, Roleid string
			UgidType           string `json:"ugid_type"`
		} `json:"data"`
		Digest string `json:"digest"`
	}
	out := mustRun(t, dir, "acl", "list", "--output-format", "json").stdout
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Data) != 1 || list.Data[0].UgidType != "user" || len(list.Digest) != 64 {
		t.Errorf("acl list json: %s", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != list.Digest {
		t.Errorf("digest %s is not the file's", list.Digest)
	}
	// a matching digest is accepted
	mustRun(t, dir, "acl", "update", "/datastore/store1", "DatastoreAdmin", "--auth-id", "john@pbs", "--delete", "--digest", list.Digest)
}

// TestManageRoundTrip: no-op-equivalent updates through the binary write
// the example acl.cfg and user.cfg back byte for byte.
func TestManageRoundTrip(t *testing.T) {
	dir := copyDir(t, examplesDir())
	before := snapshot(t, dir)
	mustRun(t, dir, "acl", "update", "/datastore/store1", "DatastoreAdmin", "--auth-id", "john@pbs")
	mustRun(t, dir, "acl", "update", "/system", "NoAccess", "--auth-id", "audit@pbs", "--propagate", "0")
	mustRun(t, dir, "user", "update", "john@pbs", "--comment", "An example user.", "--firstname", "John")
	after := snapshot(t, dir)
	for _, f := range []string{"acl.cfg", "user.cfg"} {
		if before[f] != after[f] {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			t.Errorf("%s not byte-identical after a no-op update:\n%s", f, b)
		}
	}
}

// TestManageRejected: every rejected command exits 2 with a clear message
// and leaves every file of the directory byte-identical.
func TestManageRejected(t *testing.T) {
	dir := copyDir(t, examplesDir())
	// create the lock and secret files first, so the snapshot holds them
	mustRun(t, dir, "user", "create", "bob@pbs", "--password", "bobs-password")
	mustRun(t, dir, "user", "generate-token", "bob@pbs", "t1")
	mustRun(t, dir, "user", "delete-token", "bob@pbs", "t1")
	stale := strings.Repeat("0", 64)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"acl", "update", "/foo", "Admin", "--auth-id", "john@pbs"}, "invalid acl path '/foo'."},
		{[]string{"acl", "update", "/datastore//x", "Admin", "--auth-id", "john@pbs"}, "parameter 'path'"},
		{[]string{"acl", "update", "/tape/drive", "Admin", "--auth-id", "john@pbs"}, "invalid acl path '/tape/drive'."},
		{[]string{"acl", "update", "/datastore/store1", "Nope", "--auth-id", "john@pbs"}, "unknown role 'Nope'"},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "john"}, "not a valid user id"},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "nobody@pbs"}, "no such user 'nobody@pbs'"},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "john@pbs!nope"}, "no such token 'john@pbs!nope'"},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "@admins"}, "groups are currently not supported."},
		{[]string{"acl", "update", "/", "Admin", "--group", "admins"}, "groups are currently not supported."},
		{[]string{"acl", "update", "/", "Admin"}, "missing 'userid' or 'group' parameter."},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "john@pbs", "--digest", stale}, "detected modified configuration - file changed by other user? Try again."},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "john@pbs", "--digest", "xyz"}, "parameter 'digest'"},
		{[]string{"acl", "update", "/", "Admin", "--auth-id", "john@pbs", "--propagate", "2"}, "invalid boolean"},
		{[]string{"user", "remove", "root@pam"}, "root@pam cannot be removed"},
		{[]string{"user", "remove", "nobody@pbs"}, "no such user 'nobody@pbs'"},
		{[]string{"user", "remove", "john@pbs", "--digest", stale}, "detected modified configuration"},
		{[]string{"user", "create", "bad user@pbs"}, "not a valid user id"},
		{[]string{"user", "create", "john@pbs"}, "user 'john@pbs' already exists."},
		{[]string{"user", "create", "x@nosuchrealm"}, "unknown realm 'nosuchrealm'"},
		{[]string{"user", "create", "carol@pam", "--password", "carols-password"}, "only for the pbs realm"},
		{[]string{"user", "create", "carol@pbs", "--password", "short"}, "parameter 'password'"},
		{[]string{"user", "create", "carol@pbs", "--email", "x"}, "parameter 'email'"},
		{[]string{"user", "create", "carol@pbs", "--expire", "-1"}, "parameter 'expire'"},
		{[]string{"user", "update", "john@pbs", "--comment", "x", "--digest", stale}, "detected modified configuration"},
		{[]string{"user", "update", "nobody@pbs", "--comment", "x"}, "no such user 'nobody@pbs'"},
		{[]string{"user", "update", "john@pbs", "--enable", "maybe"}, "invalid boolean"},
		{[]string{"user", "update", "john@pbs", "--delete", "userid"}, "parameter 'delete'"},
		{[]string{"user", "generate-token", "nobody@pbs", "t"}, "no such user 'nobody@pbs'"},
		{[]string{"user", "generate-token", "john@pbs", "client1"}, "token 'client1' for user 'john@pbs' already exists."},
		{[]string{"user", "generate-token", "john@pbs", "bad!name"}, "invalid token name"},
		{[]string{"user", "generate-token", "john@pbs", "t2", "--digest", stale}, "detected modified configuration"},
		{[]string{"user", "delete-token", "john@pbs", "nope"}, "no such token 'john@pbs!nope'"},
		{[]string{"user", "list-tokens", "nobody@pbs"}, "no such user 'nobody@pbs'"},
		{[]string{"--config-dir", filepath.Join(dir, "missing"), "user", "list"}, "pbs config directory"},
		{[]string{"--config-dir", filepath.Join(dir, "missing"), "acl", "list"}, "pbs config directory"},
	}
	before := snapshot(t, dir)
	for _, tt := range tests {
		r := runPxacl(t, append([]string{"--config-dir", dir}, tt.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("pxacl %q: %s; want exit 2 and %q", tt.args, r, tt.want)
		}
		if strings.Contains(r.stderr, "carols-password") || (tt.args[len(tt.args)-1] == "short" && strings.Contains(r.stderr, "short")) {
			t.Errorf("pxacl %q printed the password: %s", tt.args, r.stderr)
		}
		after := snapshot(t, dir)
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("pxacl %q changed the directory:\nbefore %v\nafter  %v", tt.args, before, after)
		}
	}
}

// TestManageConcurrent: 50 concurrent `user create` and then 50 concurrent
// `acl update` processes on one directory lose no entry.
func TestManageConcurrent(t *testing.T) {
	dir := copyDir(t, examplesDir())
	const n = 50
	run := func(args func(i int) []string) {
		var wg sync.WaitGroup
		errs := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				out, err := exec.CommandContext(ctx, pxaclBin, append([]string{"--config-dir", dir}, args(i)...)...).CombinedOutput()
				if err != nil {
					errs[i] = fmt.Sprintf("%q: %v: %s", args(i), err, out)
				}
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				t.Error(e)
			}
		}
	}
	run(func(i int) []string { return []string{"user", "create", fmt.Sprintf("u%02d@pbs", i)} })
	run(func(i int) []string {
		return []string{"acl", "update", fmt.Sprintf("/datastore/s%02d", i), "DatastoreBackup", "--auth-id", fmt.Sprintf("u%02d@pbs", i)}
	})
	users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	for i := range n {
		if !bytes.Contains(users, []byte(fmt.Sprintf("\nuser: u%02d@pbs\n", i))) {
			t.Errorf("user u%02d@pbs lost", i)
		}
		if !bytes.Contains(acl, []byte(fmt.Sprintf("acl:1:/datastore/s%02d:u%02d@pbs:DatastoreBackup\n", i, i))) {
			t.Errorf("ACL entry %d lost", i)
		}
	}
	// and everything from the example is still there
	ex, _ := os.ReadFile(filepath.Join(examplesDir(), "acl.cfg"))
	for _, l := range strings.Split(strings.TrimSpace(string(ex)), "\n") {
		if !bytes.Contains(acl, []byte(l+"\n")) {
			t.Errorf("example line lost: %s", l)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*tmp_*")); len(m) != 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// TestManageTokenSecret: generate-token prints the secret once; only its
// $5$ hash is stored (token.shadow, mode 0640) and it verifies; the secret
// is in no file. delete-token removes the token, its hash and its ACLs;
// user remove removes the user's tokens and their ACLs but not the user's.
func TestManageTokenSecret(t *testing.T) {
	dir := copyDir(t, examplesDir())
	out := mustRun(t, dir, "--output-format", "json", "user", "generate-token", "john@pbs", "ci", "--comment", "CI").stdout
	var sec struct{ Tokenid, Value string }
	if err := json.Unmarshal([]byte(out), &sec); err != nil || sec.Tokenid != "john@pbs!ci" || len(sec.Value) != 36 {
		t.Fatalf("generate-token: %q", out)
	}
	var shadow map[string]string
	raw, _ := os.ReadFile(filepath.Join(dir, "token.shadow"))
	if err := json.Unmarshal(raw, &shadow); err != nil {
		t.Fatal(err)
	}
	if h := shadow["john@pbs!ci"]; !strings.HasPrefix(h, "$5$") || !shacrypt.Verify(sec.Value, h) {
		t.Fatalf("token.shadow hash %q does not verify", h)
	}
	if st, _ := os.Stat(filepath.Join(dir, "token.shadow")); st.Mode().Perm() != 0o640 {
		t.Errorf("token.shadow mode %v", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if bytes.Contains(b, []byte(sec.Value)) {
			t.Errorf("the secret is stored in %s", e.Name())
		}
	}
	for _, args := range [][]string{{"user", "list-tokens", "john@pbs"}, {"acl", "list"}, {"user", "list"}} {
		if r := mustRun(t, dir, args...); strings.Contains(r.stdout+r.stderr, sec.Value) {
			t.Errorf("%q printed the secret", args)
		}
	}
	mustRun(t, dir, "acl", "update", "/datastore/store1", "DatastoreBackup", "--auth-id", "john@pbs!ci")
	mustRun(t, dir, "user", "delete-token", "john@pbs", "ci")
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	raw, _ = os.ReadFile(filepath.Join(dir, "token.shadow"))
	users, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	if bytes.Contains(acl, []byte("john@pbs!ci")) || bytes.Contains(raw, []byte("john@pbs!ci")) || bytes.Contains(users, []byte("john@pbs!ci")) {
		t.Errorf("delete-token left traces")
	}
	mustRun(t, dir, "user", "remove", "john@pbs")
	acl, _ = os.ReadFile(filepath.Join(dir, "acl.cfg"))
	users, _ = os.ReadFile(filepath.Join(dir, "user.cfg"))
	if bytes.Contains(acl, []byte("john@pbs!")) || bytes.Contains(users, []byte("john@pbs")) {
		t.Errorf("user remove left tokens:\n%s\n%s", acl, users)
	}
	if !bytes.Contains(acl, []byte("acl:1:/datastore/store1:john@pbs:DatastoreAdmin\n")) {
		t.Errorf("user remove dropped the user's own ACL (PBS keeps it):\n%s", acl)
	}
}

// TestManageLockFiles: pxacl takes PBS's lock files, created 0660 (the
// timeout and the killed-writer cases are tested in config/pbs/store).
func TestManageLockFiles(t *testing.T) {
	dir := copyDir(t, examplesDir())
	mustRun(t, dir, "acl", "update", "/", "Audit", "--auth-id", "john@pbs")
	mustRun(t, dir, "user", "generate-token", "john@pbs", "x")
	for _, f := range []string{".acl.lck", ".user.lck", "token.shadow.lock"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o660 {
			t.Errorf("lock file %s: %v", f, err)
		}
	}
}

// TestManageKilledWriters SIGKILLs `pxacl acl update` processes at random
// points on a large acl.cfg: the file is always the old or the new one,
// never partial, and the next writer gets the lock.
func TestManageKilledWriters(t *testing.T) {
	dir := copyDir(t, examplesDir())
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "acl:1:/datastore/s%05d:john@pbs:DatastoreReader\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(b.String()), 0o640); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config-dir", dir, "acl", "update", "/datastore/new", "DatastoreAdmin", "--auth-id", "john@pbs"}
	// the new content: what an uninterrupted writer produces on a copy
	ref := copyDir(t, dir)
	start := time.Now()
	if r := runPxacl(t, append([]string{"--config-dir", ref}, args[2:]...)...); r.code != 0 {
		t.Fatal(r)
	}
	took := time.Since(start)
	old, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	want, _ := os.ReadFile(filepath.Join(ref, "acl.cfg"))
	sawOld, sawNew := false, false
	for i := range 30 {
		cmd := exec.Command(pxaclBin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(took * time.Duration(i) / 25) // from the start to after the end
		cmd.Process.Kill()
		cmd.Wait()
		got, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
		switch {
		case bytes.Equal(got, old):
			sawOld = true
		case bytes.Equal(got, want):
			sawNew = true
			os.WriteFile(filepath.Join(dir, "acl.cfg"), old, 0o640) // start over
		default:
			t.Fatalf("run %d: acl.cfg is neither old nor new (%d bytes)", i, len(got))
		}
	}
	t.Logf("old kept: %v, new written: %v", sawOld, sawNew)
	// the lock died with the killed processes
	mustRun(t, dir, args[2:]...)
	for _, m := range mustGlob(t, filepath.Join(dir, "acl.cfg*")) {
		if filepath.Base(m) != "acl.cfg" {
			t.Errorf("unexpected file %s", m)
		}
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
