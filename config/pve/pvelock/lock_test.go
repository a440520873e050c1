package pvelock

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{"user.cfg": "file-user_cfg", "domains.cfg": "file-domains_cfg", "priv/token.cfg": "file-priv_token_cfg"} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLockSerialisesAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	inside, maxInside := 0, 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := Lock(dir, "domains.cfg", 5*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			maxInside = max(maxInside, inside)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Errorf("%d holders at once", maxInside)
	}
	if _, err := os.Lstat(Dir(dir, "domains.cfg")); !os.IsNotExist(err) {
		t.Errorf("lock left behind: %v", err)
	}
}

func TestLockTimeoutAndStale(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir, "user.cfg", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(dir, "user.cfg", 150*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "cfs-lock 'file-user_cfg' error: got lock request timeout") {
		t.Fatalf("want timeout, got %v", err)
	}
	old := time.Now().Add(-Stale - time.Second)
	if err := os.Chtimes(Dir(dir, "user.cfg"), old, old); err != nil {
		t.Fatal(err)
	}
	unlock2, err := Lock(dir, "user.cfg", 150*time.Millisecond)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	unlock2()
	unlock() // already gone: harmless
}

func TestLockRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := t.TempDir()
	if err := os.Symlink(target, filepath.Join(dir, "priv")); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir, "user.cfg", 100*time.Millisecond); err == nil {
		t.Fatal("lock through a symlinked priv/ taken")
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("wrote through the symlink: %v", entries)
	}
}
