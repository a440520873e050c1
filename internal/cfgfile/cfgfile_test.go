package cfgfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "user.cfg")
	if err := os.WriteFile(reg, []byte("user: root@pam\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(reg, filepath.Join(dir, "link.cfg")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "acl.cfg"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.cfg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.cfg"), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "sock.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	big, err := os.Create(filepath.Join(dir, "big.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(MaxSize + 1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	big.Close()

	for _, tc := range []struct {
		name    string
		want    string // content, when no error
		wantErr string // error text after "<dir>/"
		is      error
	}{
		{name: "user.cfg", want: "user: root@pam\n"},
		{name: "link.cfg", want: "user: root@pam\n"},
		{name: "acl.cfg", wantErr: "acl.cfg: not a regular file (fifo)", is: ErrNotRegular},
		{name: "zero.cfg", wantErr: "zero.cfg: not a regular file (character device)", is: ErrNotRegular},
		{name: "dir.cfg", wantErr: "dir.cfg: not a regular file (directory)", is: ErrNotRegular},
		{name: "big.cfg", wantErr: "big.cfg: larger than 268435456 bytes", is: ErrTooLarge},
		{name: "missing.cfg", is: fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got, err := Read(filepath.Join(dir, tc.name))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Read took %v", d)
			}
			if tc.is == nil {
				if err != nil || string(got) != tc.want {
					t.Fatalf("Read = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, tc.is) {
				t.Fatalf("Read error = %v; want %v", err, tc.is)
			}
			if tc.wantErr != "" && err.Error() != filepath.Join(dir, tc.wantErr) {
				t.Errorf("Read error = %q; want %q", err, filepath.Join(dir, tc.wantErr))
			}
		})
	}
	// a socket cannot be opened at all; it must fail, not be read
	if _, err := Read(filepath.Join(dir, "sock.cfg")); err == nil {
		t.Error("Read of a socket succeeded")
	}
	// ReadOptional: missing is empty, other errors stay
	if got, err := ReadOptional(filepath.Join(dir, "missing.cfg")); got != nil || err != nil {
		t.Errorf("ReadOptional(missing) = %q, %v", got, err)
	}
	if _, err := ReadOptional(filepath.Join(dir, "acl.cfg")); err == nil || !strings.Contains(err.Error(), "fifo") {
		t.Errorf("ReadOptional(fifo) = %v", err)
	}
}
