// Digests: --digest, checked against the file re-read under the lock as
// PVE's assert_if_modified does.

package store

import (
	"crypto/sha1" //nolint:gosec // PVE's config digest is SHA-1
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"

	"github.com/pxacl/pxacl/internal/safetext"
)

// Digest is the digest pxacl lists: the hex SHA-256 of user.cfg's bytes
// (pve.Config.Digest).
func Digest(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// sha1Digest is PVE's own digest of a file (cfs_read_file: sha1_hex).
func sha1Digest(raw []byte) string {
	sum := sha1.Sum(raw) //nolint:gosec
	return hex.EncodeToString(sum[:])
}

var digestRE = regexp.MustCompile(`^(?:[a-f0-9]{40}|[a-f0-9]{64})$`)

// ErrModified is PVE's assert_if_modified error.
var ErrModified = errors.New("detected modified configuration - file changed by other user? Try again.") // PVE wording

// ValidateDigest checks a --digest value: "" (none), PVE's SHA-1 (what
// pvesh shows) or pxacl's SHA-256 (what pxacl lists).
func ValidateDigest(d string) error {
	if d != "" && !digestRE.MatchString(d) {
		return fmt.Errorf("parameter 'digest' - invalid digest %s (want 40 or 64 lower-case hex digits)", safetext.Quote(d))
	}
	return nil
}

// CheckDigest returns ErrModified when want is set and is not the digest
// of raw.
func CheckDigest(want string, raw []byte) error {
	if err := ValidateDigest(want); err != nil {
		return err
	}
	if want == "" {
		return nil
	}
	got := Digest(raw)
	if len(want) == 40 {
		got = sha1Digest(raw)
	}
	if want != got {
		return ErrModified
	}
	return nil
}
