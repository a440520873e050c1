package permdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/pxacl/pxacl/internal/safetext"
)

// configFiles are the files GitExport copies out of a revision.
var configFiles = []string{"user.cfg", "acl.cfg", "domains.cfg"}

// GitExport writes user.cfg, acl.cfg and domains.cfg of the git revision
// rev (those that exist there), read from dir relative to the repository
// of the current directory, into the directory out. It is an error when
// rev is not a commit or holds none of the files.
func GitExport(ctx context.Context, rev, dir, out string) error {
	if strings.HasPrefix(rev, "-") {
		return fmt.Errorf("invalid revision %s", safetext.Quote(rev))
	}
	if err := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", rev+"^{commit}").Run(); err != nil {
		return fmt.Errorf("git: unknown revision %s", safetext.Quote(rev))
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	found := 0
	for _, f := range configFiles {
		spec := rev + ":./" + path.Join(filepath.ToSlash(dir), f)
		var stdout, stderr bytes.Buffer
		c := exec.CommandContext(ctx, "git", "show", spec)
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && (strings.Contains(stderr.String(), "does not exist") || strings.Contains(stderr.String(), "exists on disk, but not in")) {
				continue
			}
			return fmt.Errorf("git show %s: %v: %s", spec, err, strings.TrimSpace(stderr.String()))
		}
		if err := os.WriteFile(filepath.Join(out, f), stdout.Bytes(), 0o600); err != nil {
			return err
		}
		found++
	}
	if found == 0 {
		return fmt.Errorf("git: no user.cfg, acl.cfg or domains.cfg in %s:%s", rev, dir)
	}
	return nil
}

// GitExportPair exports the revisions oldRev and newRev of dir into two
// fresh directories under a temporary one; cleanup removes them.
func GitExportPair(ctx context.Context, oldRev, newRev, dir string) (oldDir, newDir string, cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "pxacl-diff-")
	if err != nil {
		return "", "", func() {}, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	oldDir, newDir = filepath.Join(tmp, "old"), filepath.Join(tmp, "new")
	if err := GitExport(ctx, oldRev, dir, oldDir); err != nil {
		cleanup()
		return "", "", func() {}, err
	}
	if err := GitExport(ctx, newRev, dir, newDir); err != nil {
		cleanup()
		return "", "", func() {}, err
	}
	return oldDir, newDir, cleanup, nil
}
