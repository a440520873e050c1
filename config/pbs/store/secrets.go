// Secrets: token.shadow (token secrets) and shadow.json (pbs realm
// passwords), locked, read and written as JSON maps.

package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pxacl/pxacl/internal/shacrypt"
)

// Secret files (§5.2, §5.3).
const (
	TokenShadow = "token.shadow"
	ShadowJSON  = "shadow.json"
)

func checkPassword(pw *string) error {
	if pw == nil {
		return nil
	}
	if err := checkText("password", pw, 8, 64, false); err != nil {
		return fmt.Errorf("parameter 'password' - the password must be 8..64 characters without control characters")
	}
	return nil
}

// readSecrets reads a JSON object of name -> hash; errors never show the
// content.
func (s *Store) readSecrets(name string) (map[string]string, error) {
	data, err := ReadFile(s.path(name))
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if len(bytes.TrimSpace(data)) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("unable to parse %s (content not shown)", s.path(name))
	}
	return m, nil
}

func marshalSecrets(m map[string]string, pretty bool) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// secretFiles are the lock, mode and JSON layout of each secret file
// (§5.2, §5.3).
var secretFiles = map[string]struct {
	lock   string
	mode   os.FileMode
	pretty bool
}{
	TokenShadow: {TokenShadowLock, TokenShadowMode, false},
	ShadowJSON:  {ShadowLock, ShadowMode, true},
}

// lockSecrets takes the lock of a secret file and reads it; the caller
// must call unlock.
func (s *Store) lockSecrets(name string) (map[string]string, func(), error) {
	unlock, err := s.lock(secretFiles[name].lock)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.readSecrets(name)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return m, unlock, nil
}

// writeSecrets replaces a secret file; the caller holds its lock.
func (s *Store) writeSecrets(name string, m map[string]string) error {
	f := secretFiles[name]
	data, err := marshalSecrets(m, f.pretty)
	if err != nil {
		return err
	}
	return ReplaceFile(s.path(name), data, f.mode)
}

// updateSecrets changes one secret file under its lock; fn reports
// whether it changed m.
func (s *Store) updateSecrets(name string, fn func(map[string]string) bool) error {
	m, unlock, err := s.lockSecrets(name)
	if err != nil {
		return err
	}
	defer unlock()
	if !fn(m) {
		return nil
	}
	return s.writeSecrets(name, m)
}

// deleteKeys deletes keys from m and reports whether any was there.
func deleteKeys(m map[string]string, keys []string) bool {
	changed := false
	for _, k := range keys {
		if _, ok := m[k]; ok {
			delete(m, k)
			changed = true
		}
	}
	return changed
}

func (s *Store) setSecret(tokenid, secret string) error {
	hash, err := shacrypt.Hash(secret)
	if err != nil {
		return err
	}
	return s.updateSecrets(TokenShadow, func(m map[string]string) bool {
		m[tokenid] = hash
		return true
	})
}

func (s *Store) setPassword(name, password string) error {
	hash, err := shacrypt.Hash(password)
	if err != nil {
		return err
	}
	return s.updateSecrets(ShadowJSON, func(m map[string]string) bool {
		m[name] = hash
		return true
	})
}
