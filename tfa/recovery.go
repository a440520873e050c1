package tfa

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// RecoveryKeys is the number of keys in a set (§9).
const RecoveryKeys = 10

// Recovery is a user's set of recovery keys as tfa.json stores it: a
// random "secret" (hex of 8 bytes) and, per key, the hex HMAC-SHA256 of
// the key text keyed with the ASCII of that secret; a used key is nil
// (null in the file). Secret and Entries are secrets: never print them.
type Recovery struct {
	Secret  string
	Entries []*string
	Created int64

	obj     object // the members as read (unknown keys kept)
	changed bool   // Entries changed since parsing
}

// recoveryHash is hex(HMAC-SHA256(key = ASCII of secret, data = key text)).
func recoveryHash(secret, key string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

// newRecovery generates a set as proxmox-tfa's Recovery::generate: an
// 8-byte secret, then 10 keys from 80 random bytes, 8 bytes each, shown as
// "xxxx-xxxx-xxxx-xxxx" in lower-case hex. It returns the set and the key
// texts, which exist nowhere else.
func newRecovery(created int64) (*Recovery, []string, error) {
	var secret [8]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, nil, err
	}
	var data [8 * RecoveryKeys]byte
	if _, err := rand.Read(data[:]); err != nil {
		return nil, nil, err
	}
	r := &Recovery{Secret: hex.EncodeToString(secret[:]), Created: created, changed: true}
	keys := make([]string, 0, RecoveryKeys)
	for i := 0; i < len(data); i += 8 {
		b := data[i : i+8]
		key := fmt.Sprintf("%02x%02x-%02x%02x-%02x%02x-%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
		h := recoveryHash(r.Secret, key)
		r.Entries = append(r.Entries, &h)
		keys = append(keys, key)
	}
	return r, keys, nil
}

// use checks key against the unused entries and, on a match, marks that
// entry used (Recovery::verify: the key text is hashed as given).
func (r *Recovery) use(key string) bool {
	h := recoveryHash(r.Secret, key)
	for i, e := range r.Entries {
		if e != nil && hmac.Equal([]byte(*e), []byte(h)) {
			r.Entries[i] = nil
			r.changed = true
			return true
		}
	}
	return false
}

// Unused is the number of keys not used yet.
func (r *Recovery) Unused() int {
	n := 0
	for _, e := range r.Entries {
		if e != nil {
			n++
		}
	}
	return n
}

// Available lists the indices of the unused keys (RecoveryState).
func (r *Recovery) Available() []int {
	var out []int
	for i, e := range r.Entries {
		if e != nil {
			out = append(out, i)
		}
	}
	return out
}
