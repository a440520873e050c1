// Second factors: the non-secret state of tfa.json kept in the document,
// and the wording when tfa.json cannot be used.

package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"

	"github.com/pxacl/pxacl/tfa"
)

// LoadTFA reads tfa.json in dir (missing: nobody has a second factor) and
// returns its non-secret state as of now (expired locks dropped, §9). A
// malformed file is an error naming it; its content is never shown.
func LoadTFA(dir string, now int64) (map[string]TFAUser, error) {
	f, err := tfa.ReadFile(filepath.Join(dir, tfa.FileName), now)
	if err != nil {
		return nil, err
	}
	return TFAState(f.Status()), nil
}

// TFAState converts tfa.Status to the document's form.
func TFAState(status map[string]tfa.Status) map[string]TFAUser {
	out := make(map[string]TFAUser, len(status))
	for id, st := range status {
		out[id] = TFAUser{Factors: maps.Clone(st.Factors), TOTPLocked: st.TOTPLocked, TFALockedUntil: st.LockedUntil}
	}
	return out
}

// TFAUnreadable is the warning for a tfa.json pxacl cannot use: one it
// may not read (it is mode 0600 root on a PBS host) or a malformed one.
// The document then has no TFA state. err's text never shows content of
// tfa.json (tfa.ParseError).
func TFAUnreadable(dir string, err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Sprintf("%v: the second-factor state is left out (run as root, or as the owner of tfa.json)", err)
	}
	return fmt.Sprintf("%v: the second-factor state is left out; permissions do not depend on it "+
		"(PBS reads tfa.json only at login), but 'pxacl user tfa' and 'pxacl lint' refuse it until it is fixed", err)
}

// TFAReason is why tfa.json could not be used, for the metadata: the file
// by its name only (so that the bundle does not depend on where the
// configuration directory is) and what is wrong, never its content.
func TFAReason(err error) string {
	var pe *tfa.ParseError
	if errors.As(err, &pe) {
		c := *pe
		c.File = tfa.FileName
		return c.Error()
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return tfa.FileName + ": " + pathErr.Err.Error()
	}
	return tfa.FileName + ": cannot be read"
}
