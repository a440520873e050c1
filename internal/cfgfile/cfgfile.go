// Package cfgfile reads configuration files that may be hostile: every
// reader of user.cfg, acl.cfg, domains.cfg, token.shadow, shadow.json and
// tfa.json (PBS) and of PVE's user.cfg goes through Read.
//
// Read opens the file with O_NONBLOCK, so a FIFO planted as acl.cfg cannot
// hang the open; it refuses anything that is not a regular file once the
// path is resolved (a FIFO, a socket, a device such as /dev/zero, a
// directory); and it reads at most MaxSize bytes, so a file that grows
// without end cannot exhaust memory. A symlink to a regular file is read
// through, as PBS and PVE do.
package cfgfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// MaxSize is the largest configuration file Read accepts: 256 MiB. A
// generated acl.cfg with 1,000,000 entries is 60 MB (user.cfg with its
// users and tokens 19 MB), so the bound is more than four times the
// largest configuration pxacl is measured on.
const MaxSize = 256 << 20

// ErrNotRegular is wrapped by the error of Read for a path that is not a
// regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error of Read for a file over MaxSize.
var ErrTooLarge = fmt.Errorf("larger than %d bytes", MaxSize)

// Read returns the content of the regular file at path (symlinks
// followed). A missing file gives an error for which
// errors.Is(err, fs.ErrNotExist) holds; a non-regular file gives
// "<path>: not a regular file (fifo)"; a file over MaxSize gives
// "<path>: larger than 268435456 bytes". Every error names the file.
func Read(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err // *fs.PathError: names the file, keeps fs.ErrNotExist
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := CheckRegular(path, st); err != nil {
		return nil, err
	}
	if st.Size() > MaxSize {
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	// The size may change under us: read at most MaxSize+1 bytes to tell.
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	return data, nil
}

// ReadOptional is Read where a missing file is empty (nil, nil), as for
// PBS's and PVE's configuration files.
func ReadOptional(path string) ([]byte, error) {
	data, err := Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// CheckRegular returns "<path>: not a regular file (<kind>)" unless st
// is a regular file.
func CheckRegular(path string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, Kind(st.Mode()))
}

// Kind names the file type of m for messages: "fifo", "socket",
// "character device", "block device", "directory", "symlink", "regular
// file" or "irregular file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "irregular file"
}
