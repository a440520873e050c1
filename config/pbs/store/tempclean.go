// Stale temp files: removing what a killed writer left, under the lock
// that protects the file.

package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// lockProtects lists the files each lock protects (§8): a writer holding
// the lock is the only one that may have temp files of those files.
var lockProtects = map[string][]string{
	ACLLock:         {"acl.cfg"},
	UserLock:        {"user.cfg"},
	DomainsLock:     {"domains.cfg", LDAPPasswords},
	TokenShadowLock: {TokenShadow},
	ShadowLock:      {ShadowJSON},
	TFALock:         {"tfa.json"},
}

// removeStaleTemps removes the temp files a killed writer left for path
// (ReplaceFile's "<name>.tmp_XXXXXX", one of them may hold password
// hashes). The caller holds the lock that protects path, so no live
// writer has one. When path is a symlink ReplaceFile would write through
// (checkLinkOwner), the temp files beside its target are removed too. Only regular files whose name matches
// the pattern exactly are removed; a symlink is never followed (and
// unlink removes a link, not its target). Failures are ignored: the
// cleanup is best effort and never stops a write.
func removeStaleTemps(path string) {
	removeTempsIn(filepath.Dir(path), filepath.Base(TempPattern(path)))
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeSymlink == 0 || checkLinkOwner(path, st) != nil {
		return
	}
	if target, err := filepath.EvalSymlinks(path); err == nil && target != path {
		// a symlinked file's temp files are beside its target, named after it
		removeTempsIn(filepath.Dir(target), filepath.Base(TempPattern(target)))
	}
}

// tempNameRE matches the random part of a temp file name.
var tempNameRE = regexp.MustCompile(`^[A-Za-z0-9]{6}$`)

func removeTempsIn(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !tempNameRE.MatchString(name[len(prefix):]) {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		_ = os.Remove(p)
	}
}

// RemoveStaleTemps removes the temp files a killed ReplaceFile left for
// path. The caller must hold the lock that serialises every writer of
// path (another product's lock, such as PVE's cfs lock, counts).
func RemoveStaleTemps(path string) { removeStaleTemps(path) }
