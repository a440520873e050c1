package tfa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Counters are the consecutive-failure counters PBS keeps per user in its
// challenge-data file, /run/proxmox-backup/tfa/challenges/<userid>
// (TfaUserChallenges, §9): JSON with snake_case keys, zero counters
// omitted. The file also holds pending WebAuthn/U2F challenges, which are
// kept as read.
type Counters struct {
	TOTPFailures uint32
	TFAFailures  uint32

	obj object
}

var challengeOrder = []string{"u2f_registrations", "u2f_auths", "webauthn_registrations", "webauthn_auths", "totp_failures", "tfa_failures"}

// ParseCounters parses a challenge-data file. Empty content is an error:
// PBS takes it (and any unparsable content, with a log line) for zero
// counters, but the caller should fail closed, since an interrupted write
// leaves an empty file. Errors never show the content.
func ParseCounters(data []byte) (*Counters, error) {
	c := &Counters{}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, fmt.Errorf("challenge data is empty")
	}
	if !json.Valid(data) {
		return c, fmt.Errorf("challenge data is not valid JSON")
	}
	obj, err := parseObject(bytes.TrimSpace(data), "challenge data")
	if err != nil {
		return &Counters{}, err
	}
	c.obj = obj
	for _, f := range []struct {
		key string
		n   *uint32
	}{{"totp_failures", &c.TOTPFailures}, {"tfa_failures", &c.TFAFailures}} {
		raw, ok := obj.get(f.key)
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(string(raw), 10, 32)
		if err != nil {
			return &Counters{}, fmt.Errorf("challenge data: %s: expected a u32, found %s", f.key, kind(raw))
		}
		*f.n = uint32(n)
	}
	return c, nil
}

// Marshal writes the challenge data compactly, as serde_json::to_writer.
func (c *Counters) Marshal() []byte {
	o := append(object(nil), c.obj...)
	for _, f := range []struct {
		key string
		n   uint32
	}{{"totp_failures", c.TOTPFailures}, {"tfa_failures", c.TFAFailures}} {
		if f.n == 0 {
			o.del(f.key)
		} else {
			o.set(f.key, jsonInt(int64(f.n)), challengeOrder)
		}
	}
	return o.appendTo(nil)
}
