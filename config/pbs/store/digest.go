// Digests: the SHA-256 of a file's bytes and the --digest check that
// detects a file changed by another writer.

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
)

// Digest is the hex SHA-256 of raw file bytes (§8).
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

var digestRE = regexp.MustCompile(`^[a-f0-9]{64}$`)

// ErrModified is PBS's detect_modified_configuration_file error.
var ErrModified = errors.New("detected modified configuration - file changed by other user? Try again.") // PBS wording (staticcheck.conf)

// ValidateDigest checks a --digest value against PROXMOX_CONFIG_DIGEST_SCHEMA;
// "" (no digest) is valid.
func ValidateDigest(d string) error {
	if d != "" && !digestRE.MatchString(d) {
		return fmt.Errorf("parameter 'digest' - value does not match the regex pattern ^[a-f0-9]{64}$")
	}
	return nil
}

// CheckDigest returns ErrModified when want is set and differs from the
// digest of the file as re-read under the lock.
func CheckDigest(want, current string) error {
	if err := ValidateDigest(want); err != nil {
		return err
	}
	if want != "" && want != current {
		return ErrModified
	}
	return nil
}
