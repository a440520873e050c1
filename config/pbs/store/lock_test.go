// Tests of locking.

package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

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
