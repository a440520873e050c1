// The test helper process, the example copy, and a round trip through
// every operation.

package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
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
