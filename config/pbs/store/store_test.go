package store

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pxacl/pxacl/internal/shacrypt"
)

// helper process: GO_STORE_HELPER=replace PATH runs ReplaceFile with a
// pause between fsync and rename, holding .acl.lck, and is killed by the
// parent.
func TestMain(m *testing.M) {
	if os.Getenv("GO_STORE_HELPER") == "replace" {
		path := os.Getenv("GO_STORE_PATH")
		unlock, err := Lock(filepath.Dir(path), ACLLock, time.Second)
		if err != nil {
			os.Exit(3)
		}
		defer unlock()
		testHookBeforeRename = func(string) {
			os.WriteFile(path+".ready", nil, 0o600)
			time.Sleep(time.Minute)
		}
		if err := ReplaceFile(path, bytes.Repeat([]byte("new line\n"), 100000), ConfigMode); err != nil {
			os.Exit(4)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"acl.cfg", "user.cfg"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "pbs", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLockTimeout(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir, ACLLock, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ACLLock))
	if err != nil || st.Mode().Perm() != 0o660 {
		t.Fatalf("lock file mode = %v, %v; want 0660", st.Mode().Perm(), err)
	}
	// flock locks belong to the open file description: a second open in
	// the same process conflicts, like another process.
	start := time.Now()
	_, err = Lock(dir, ACLLock, 200*time.Millisecond)
	want := "Unable to acquire lock " + filepath.Join(dir, ACLLock) + " - got timeout"
	if err == nil || err.Error() != want {
		t.Fatalf("second Lock = %v, want %q", err, want)
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Errorf("timeout took %v", d)
	}
	unlock()
	unlock2, err := Lock(dir, ACLLock, 200*time.Millisecond)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acl.cfg")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(p, []byte("new\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(data) != "new\n" || st.Mode().Perm() != 0o644 { // a replaced file keeps its mode
		t.Fatalf("got %q mode %v", data, st.Mode().Perm())
	}
	if got := TempPattern(p); got != filepath.Join(dir, "acl.tmp_") {
		t.Errorf("TempPattern = %q", got)
	}
	if got := TempPattern(filepath.Join(dir, "token.shadow")); got != filepath.Join(dir, "token.tmp_") {
		t.Errorf("TempPattern = %q", got)
	}
	// an error (target is a non-empty directory) leaves no temp file
	sub := filepath.Join(dir, "sub.cfg")
	os.MkdirAll(filepath.Join(sub, "x"), 0o755)
	if err := ReplaceFile(sub, []byte("x"), 0o640); err == nil {
		t.Fatal("replacing a directory succeeded")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp_*")); len(m) != 0 {
		t.Fatalf("temp files left: %v", m)
	}
}

// TestKilledWriter kills a writer between fsync and rename: the target
// keeps its old content, the lock dies with the process, and the next
// writer removes the temp file.
func TestKilledWriter(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acl.cfg")
	old := []byte("acl:1:/:admin@pbs:Admin\n")
	os.WriteFile(p, old, 0o640)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GO_STORE_HELPER=replace", "GO_STORE_PATH="+p)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(p + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("helper never reached the rename")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// the lock is held by the child now
	if _, err := Lock(dir, ACLLock, 100*time.Millisecond); err == nil {
		t.Fatal("lock not held by the writer")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if data, _ := os.ReadFile(p); !bytes.Equal(data, old) {
		t.Fatalf("acl.cfg changed by a killed writer: %d bytes", len(data))
	}
	unlock, err := Lock(dir, ACLLock, time.Second)
	if err != nil {
		t.Fatalf("lock not released by the killed writer: %v", err)
	}
	unlock()
	// the orphaned temp file (complete or absent, never the target) is
	// removed by the next writer that takes the lock
	m, _ := filepath.Glob(filepath.Join(dir, "acl.tmp_*"))
	if len(m) != 0 {
		t.Fatalf("temp files left after the next Lock = %v", m)
	}
}

func TestDigest(t *testing.T) {
	d := Digest(nil)
	if d != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatal(d)
	}
	tests := []struct {
		want, cur string
		err       string
	}{
		{"", d, ""},
		{d, d, ""},
		{strings.Repeat("0", 64), d, "detected modified configuration - file changed by other user? Try again."},
		{strings.ToUpper(d), d, "parameter 'digest'"},
		{"abc", d, "parameter 'digest'"},
	}
	for _, tt := range tests {
		err := CheckDigest(tt.want, tt.cur)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("CheckDigest(%q) = %v, want %q", tt.want, err, tt.err)
		}
	}
}

func TestCheckACLPath(t *testing.T) {
	ok := []string{"/", "", "/access", "/access/acl", "/access/users", "/access/domains", "/access/openid", "/access/openid/x",
		"/datastore", "/datastore/s", "/datastore/s/1/2/3/4/5/6/7", "/remote", "/remote/r/s/1/2/3/4/5/6/7",
		"/system", "/system/certificates", "/system/disks", "/system/log", "/system/notifications", "/system/status",
		"/system/tasks", "/system/time", "/system/services", "/system/services/x", "/system/network", "/system/network/dns",
		"/system/network/interfaces", "/system/network/interfaces/eth0", "/system/s3-endpoint/e", "/system/encryption-keys/k",
		"/tape", "/tape/device", "/tape/device/d", "/tape/pool/p", "/tape/job/j", "//datastore//s/"}
	bad := []string{"/foo", "/access/acl/x", "/access/openid/x/y", "/access/x", "/datastore/s/1/2/3/4/5/6/7/8",
		"/remote/r/s/1/2/3/4/5/6/7/8", "/system/x", "/system/time/x", "/system/services/x/y", "/system/network/dns/x",
		"/system/network/x", "/system/network/interfaces/a/b", "/tape/drive", "/tape/changer", "/tape/pool/p/x"}
	for _, p := range ok {
		if err := CheckACLPath(p); err != nil {
			t.Errorf("CheckACLPath(%q) = %v", p, err)
		}
	}
	for _, p := range bad {
		err := CheckACLPath(p)
		if err == nil || err.Error() != "invalid acl path '"+p+"'." {
			t.Errorf("CheckACLPath(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "//", "/a/", "a", "/a b", "/-a", strings.Repeat("/a", 65)} {
		if ValidateACLPathSchema(p) == nil {
			t.Errorf("ValidateACLPathSchema(%q) accepted", p)
		}
	}
}

// TestRoundTrip: a re-insert of an existing entry and a no-op user update
// write the example files back byte for byte.
func TestRoundTrip(t *testing.T) {
	dir := copyExample(t)
	before := map[string][]byte{}
	for _, f := range []string{"acl.cfg", "user.cfg"} {
		before[f], _ = os.ReadFile(filepath.Join(dir, f))
	}
	s := New(dir)
	if err := s.UpdateACL(ACLUpdate{Path: "/datastore/store1", Role: "DatastoreAdmin", AuthID: "john@pbs", Propagate: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateUser("john@pbs", UserFields{}, nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	for f, b := range before {
		after, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Equal(after, b) {
			t.Errorf("%s changed:\n%s", f, after)
		}
		st, _ := os.Stat(filepath.Join(dir, f))
		if st.Mode().Perm() != 0o640 {
			t.Errorf("%s mode %v", f, st.Mode().Perm())
		}
	}
}

func TestUserOps(t *testing.T) {
	dir := copyExample(t)
	s := New(dir)
	str := func(v string) *string { return &v }
	yes, no := true, false
	zero, exp := int64(0), int64(1767225600)
	if err := s.CreateUser("bob@pbs", UserFields{Email: str("bob@example.com"), Enable: &yes, Expire: &zero}, str("password123")); err != nil {
		t.Fatal(err)
	}
	users := func() string { b, _ := os.ReadFile(filepath.Join(dir, "user.cfg")); return string(b) }
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\temail bob@example.com\n\tenable true\n\texpire 0\n") {
		t.Fatalf("create stores values as given:\n%s", users())
	}
	if err := s.UpdateUser("bob@pbs", UserFields{Enable: &yes, Expire: &zero, Email: str(""), Comment: str("  hi  ")}, nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\tcomment hi\n") {
		t.Fatalf("update normalisation:\n%s", users())
	}
	if err := s.UpdateUser("bob@pbs", UserFields{Enable: &no, Expire: &exp}, []string{"comment"}, nil, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\tenable false\n\texpire 1767225600\n") {
		t.Fatalf("update enable=false:\n%s", users())
	}
	shadow, _ := os.ReadFile(filepath.Join(dir, ShadowJSON))
	m, _ := s.readSecrets(ShadowJSON)
	if !shacrypt.Verify("password123", m["bob"]) || bytes.Contains(shadow, []byte("password123")) {
		t.Fatalf("shadow.json = %s", shadow)
	}
	if st, _ := os.Stat(filepath.Join(dir, ShadowJSON)); st.Mode().Perm() != 0o600 {
		t.Fatalf("shadow.json mode %v", st.Mode().Perm())
	}
	sec, err := s.GenerateToken("bob@pbs", "ci", TokenFields{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateACL(ACLUpdate{Path: "/datastore/store1", Role: "DatastoreBackup", AuthID: sec.Tokenid, Propagate: true}); err != nil {
		t.Fatal(err)
	}
	tok, _ := s.readSecrets(TokenShadow)
	if !shacrypt.Verify(sec.Value, tok["bob@pbs!ci"]) {
		t.Fatal("token hash does not verify")
	}
	if err := s.RemoveUser("bob@pbs", ""); err != nil {
		t.Fatal(err)
	}
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	tok, _ = s.readSecrets(TokenShadow)
	m, _ = s.readSecrets(ShadowJSON)
	if strings.Contains(users(), "bob@pbs") || bytes.Contains(acl, []byte("bob@pbs")) || len(tok) != 0 || len(m) != 0 {
		t.Fatalf("remove left traces: acl=%s tokens=%v shadow=%v", acl, tok, m)
	}
	if err := s.RemoveUser("root@pam", ""); err == nil {
		t.Fatal("root@pam removed")
	}
	if err := s.DeleteToken("john@pbs", "client1", ""); err != nil {
		t.Fatal(err)
	}
	acl, _ = os.ReadFile(filepath.Join(dir, "acl.cfg"))
	if bytes.Contains(acl, []byte("john@pbs!client1")) || strings.Contains(users(), "john@pbs!client1") {
		t.Fatal("delete-token left traces")
	}
	if err := s.DeleteToken("john@pbs", "client1", ""); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("second delete = %v", err)
	}
}

func TestUpdateACLErrors(t *testing.T) {
	s := New(copyExample(t))
	tests := []struct {
		u    ACLUpdate
		want string
	}{
		{ACLUpdate{Path: "/foo", Role: "Admin", AuthID: "john@pbs"}, "invalid acl path '/foo'."},
		{ACLUpdate{Path: "/a//b", Role: "Admin", AuthID: "john@pbs"}, "parameter 'path'"},
		{ACLUpdate{Path: "/", Role: "Nope", AuthID: "john@pbs"}, "parameter 'role' - unknown role 'Nope'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "nobody@pbs"}, "no such user."},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john@pbs!nope"}, "no such API token."},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "@admins"}, "parameter 'group' - groups are currently not supported."},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john"}, "parameter 'auth-id'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john@pbs", Digest: strings.Repeat("a", 64)}, ErrModified.Error()},
	}
	for _, tt := range tests {
		err := s.UpdateACL(tt.u)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("UpdateACL(%+v) = %v, want %q", tt.u, err, tt.want)
		}
	}
	// delete of an unknown id at an invalid (but schema-valid) path is fine
	if err := s.UpdateACL(ACLUpdate{Path: "/foo", Role: "Admin", AuthID: "nobody@pbs", Delete: true}); err != nil {
		t.Errorf("delete: %v", err)
	}
	if !errors.Is(CheckDigest(strings.Repeat("b", 64), strings.Repeat("c", 64)), ErrModified) {
		t.Error("ErrModified not wrapped")
	}
}
