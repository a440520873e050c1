package tfa

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pxacl/pxacl/internal/safetext"
)

// Lockout limits of proxmox-tfa's OpenUserChallengeData defaults, which
// PBS does not override (§9).
const (
	TOTPFailureLimit = 8    // consecutive TOTP failures that set totp-locked
	TFAFailureLimit  = 100  // consecutive failures of any factor that lock all of them
	TFALockSeconds   = 3600 // how long they are locked
)

// Response is a second-factor answer: "totp:<code>" or
// "recovery:<key>". Value is secret: never print it.
type Response struct {
	Type  string // TypeTOTP or TypeRecovery
	Value string
}

// ErrUnsupportedResponse is a webauthn: or u2f: response, which needs a
// challenge issued by a browser session.
var ErrUnsupportedResponse = errors.New("only totp: and recovery: responses can be verified here (webauthn and u2f answer a challenge of a login session)")

// ParseResponse parses a response as PBS's TfaResponse::from_str.
func ParseResponse(s string) (Response, error) {
	switch {
	case strings.HasPrefix(s, "totp:"):
		return Response{TypeTOTP, s[len("totp:"):]}, nil
	case strings.HasPrefix(s, "recovery:"):
		return Response{TypeRecovery, s[len("recovery:"):]}, nil
	case strings.HasPrefix(s, "u2f:"), strings.HasPrefix(s, "webauthn:"):
		return Response{}, ErrUnsupportedResponse
	}
	return Response{}, errors.New("invalid tfa response") // PBS wording
}

// Outcome is the result of a verification.
type Outcome struct {
	OK     bool
	Type   string // the response's type
	Reason string // why it was refused ("" when OK)
	// Locked: refused without counting because the factor is locked.
	Locked bool
	// Now locked by this failure.
	TOTPLockedNow, TFALockedNow bool
	LockedUntil                 int64 // tfa-locked-until in force, if any
	RecoveryLeft                int   // unused recovery keys after a recovery success
	// SaveFile: tfa.json changed (last-count, a used key, a lock).
	SaveFile bool
}

// Verify checks a response for userid exactly as proxmox-tfa's
// TfaConfig::verify does with PBS's lockout settings (§9), updating f and
// c in place; the caller saves c always and f when SaveFile is set, both
// under the tfa.json lock.
//
//   - a user without TFA data is refused, nothing counted;
//   - during tfa-locked-until every factor is refused ("locked"), nothing
//     counted; with totp-locked a TOTP code is refused likewise;
//   - TOTP: the enabled entries in order, steps −1, 0, +1; the first entry
//     that matches decides: a counter ≤ its last-count is a reused code (a
//     TOTP failure), else last-count is set and totp_failures reset; no
//     match is a TOTP failure;
//   - recovery: an unused key matches once and becomes null; success
//     clears totp-locked, tfa-locked-until and totp_failures;
//   - any success resets tfa_failures; any failure counts one; at 8 TOTP
//     failures totp-locked is set, at 100 failures tfa-locked-until is set
//     to now + 3600. Counters are not reset by a lock.
func Verify(f *File, c *Counters, userid string, r Response, now time.Time) (Outcome, error) {
	out := Outcome{Type: r.Type}
	u := f.User(userid)
	if u == nil {
		out.Reason = fmt.Sprintf("%s has no second factor", userid)
		return out, nil
	}
	sec := now.Unix()
	if u.Locked(sec) {
		out.Locked, out.LockedUntil = true, u.LockedUntil
		out.Reason = "all second factors are locked until " + time.Unix(u.LockedUntil, 0).UTC().Format(time.RFC3339) +
			fmt.Sprintf(" (%d consecutive failures)", TFAFailureLimit)
		return out, nil
	}
	var fail string
	switch r.Type {
	case TypeTOTP:
		if u.TOTPLocked {
			out.Locked = true
			out.Reason = fmt.Sprintf("TOTP locked (%d consecutive TOTP failures): use a recovery key or unlock the user", TOTPFailureLimit)
			return out, nil
		}
		var err error
		fail, err = verifyTOTP(u, c, r.Value, now)
		if err != nil {
			return out, err
		}
	case TypeRecovery:
		switch {
		case u.Recovery != nil && u.Recovery.use(r.Value):
			u.TOTPLocked = false
			u.LockedUntil = 0
			c.TOTPFailures = 0
			out.RecoveryLeft = u.Recovery.Unused()
		case u.Recovery == nil:
			fail = "no recovery keys"
		default:
			fail = "wrong or used recovery key"
		}
	default:
		return out, ErrUnsupportedResponse
	}
	if fail == "" {
		c.TFAFailures = 0
		out.OK, out.SaveFile = true, true
		return out, nil
	}
	c.TFAFailures++
	out.Reason = fail
	if r.Type == TypeTOTP && c.TOTPFailures >= TOTPFailureLimit {
		u.TOTPLocked = true
		out.TOTPLockedNow, out.SaveFile = true, true
		out.Reason += fmt.Sprintf("; TOTP is now locked (%d consecutive TOTP failures)", c.TOTPFailures)
	}
	if c.TFAFailures >= TFAFailureLimit {
		u.LockedUntil = sec + TFALockSeconds
		out.TFALockedNow, out.SaveFile, out.LockedUntil = true, true, u.LockedUntil
		out.Reason += fmt.Sprintf("; all second factors are now locked until %s (%d consecutive failures)",
			time.Unix(u.LockedUntil, 0).UTC().Format(time.RFC3339), c.TFAFailures)
	}
	return out, nil
}

// verifyTOTP is TfaUserData::verify_totp; it returns the failure reason,
// "" on success.
func verifyTOTP(u *User, c *Counters, code string, now time.Time) (string, error) {
	for i, t := range u.TOTP {
		if !t.Enable {
			continue
		}
		count, ok, err := t.Key.Match(code, now)
		if err != nil { // the entry by position: its id is file content
			return "", fmt.Errorf("totp entry %d of user %s: %w", i+1, safetext.Quote(u.ID), err)
		}
		if !ok {
			continue
		}
		if count <= t.LastCount {
			c.TOTPFailures++
			return "reused TOTP code", nil
		}
		t.LastCount = count
		t.changed = true
		c.TOTPFailures = 0
		return "", nil
	}
	c.TOTPFailures++
	return "wrong TOTP code", nil
}
