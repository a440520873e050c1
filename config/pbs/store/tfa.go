// The TFA operations of proxmox-backup-manager and the PBS API (§9), on
// tfa.json under tfa.json.lock. Reads without changes (list) take no lock:
// tfa.json is only ever replaced atomically.

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/tfa"
)

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// readTFA reads and parses tfa.json (missing = empty); expired locks are
// dropped as of now.
func (s *Store) readTFA() (*tfa.File, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	p := s.path(tfa.FileName)
	data, err := cfgfile.Read(p) // not tfa.ReadFile: a FIFO must not hang it
	if errors.Is(err, fs.ErrNotExist) {
		return &tfa.File{}, nil // missing: empty, as in PBS; empty: an error
	}
	if err != nil {
		return nil, err
	}
	return tfa.Parse(p, data, s.now().Unix())
}

// writeTFA replaces tfa.json (compact JSON, mode 0600).
func (s *Store) writeTFA(f *tfa.File) error {
	return ReplaceFile(s.path(tfa.FileName), f.Marshal(), TFAMode)
}

// lockTFA takes tfa.json.lock and reads tfa.json; the caller must unlock.
func (s *Store) lockTFA() (*tfa.File, func(), error) {
	if err := s.checkDir(); err != nil {
		return nil, nil, err
	}
	unlock, err := s.lock(TFALock)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.readTFA()
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return f, unlock, nil
}

// TFAUser is the TFA state of one user as PBS's GET /access/tfa lists it.
type TFAUser struct {
	Userid         string          `json:"userid"`
	Entries        []tfa.TypedInfo `json:"entries"`
	TOTPLocked     bool            `json:"totp-locked,omitempty"`
	TFALockedUntil *int64          `json:"tfa-locked-until,omitempty"`
}

// ListTFA lists the second factors of userid, or of every user (sorted)
// when userid is "": ids, types, descriptions, creation times, disabled
// flags and locks; never a secret.
func (s *Store) ListTFA(userid string) ([]TFAUser, error) {
	if userid != "" {
		a, err := parseUserid(userid)
		if err != nil {
			return nil, err
		}
		userid = a.String()
	}
	f, err := s.readTFA()
	if err != nil {
		return nil, err
	}
	now := s.now().Unix()
	out := []TFAUser{}
	for _, u := range f.Users {
		if userid != "" && u.ID != userid {
			continue
		}
		tu := TFAUser{Userid: u.ID, Entries: u.Entries(), TOTPLocked: u.TOTPLocked}
		if tu.Entries == nil {
			tu.Entries = []tfa.TypedInfo{}
		}
		if u.Locked(now) {
			until := u.LockedUntil
			tu.TFALockedUntil = &until
		}
		out = append(out, tu)
	}
	sortBy(out, func(u TFAUser) string { return u.Userid })
	return out, nil
}

// checkTFAUser is user_update_auth(must_exist): the user must be a user of
// user.cfg (root@pam always is).
func (s *Store) checkTFAUser(userid string) (authid.Authid, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return a, err
	}
	c, err := s.readUsers()
	if err != nil {
		return a, err
	}
	if c.User(a.String()) == nil {
		return a, config.NoSuchUser(a.String())
	}
	return a, nil
}

// TOTPOptions describe the TOTP key of add-totp: an otpauth URI given by
// the user, or a new random secret with these parameters.
type TOTPOptions struct {
	URI       string // "" = generate
	Digits    int    // 0 = 6
	Algorithm string // "" = SHA1
	Period    uint64 // 0 = 30
	Issuer    *string
}

// DefaultIssuer is the issuer of generated TOTP keys.
const DefaultIssuer = "Proxmox Backup Server"

// NewTOTPKey checks that userid may get a TOTP (a user of user.cfg) and
// returns the key to enroll: the given URI parsed as PBS parses it, or a
// new random secret (20 bytes) with account = userid. Either must pass
// tfa.Key.CheckEnroll (secret of 10..128 bytes, 6..8 digits, a period of
// 15..300 s, SHA1/SHA256/SHA512).
func (s *Store) NewTOTPKey(userid string, o TOTPOptions) (*tfa.Key, error) {
	a, err := s.checkTFAUser(userid)
	if err != nil {
		return nil, err
	}
	if o.URI != "" {
		if o.Digits != 0 || o.Algorithm != "" || o.Period != 0 || o.Issuer != nil {
			return nil, errors.New("--digits, --algorithm, --period and --issuer come from the given otpauth URI")
		}
		k, err := tfa.ParseURI(o.URI)
		if err != nil {
			return nil, fmt.Errorf("parameter 'totp' - %v", err)
		}
		if err := k.CheckEnroll(); err != nil {
			return nil, fmt.Errorf("parameter 'totp' - %v", err)
		}
		return k, nil
	}
	digits, period := o.Digits, o.Period
	if digits == 0 {
		digits = tfa.DefaultDigits
	}
	if period == 0 {
		period = tfa.DefaultPeriod
	}
	alg, err := tfa.ParseAlgorithm(cmpOr(o.Algorithm, "SHA1"))
	if err != nil {
		return nil, fmt.Errorf("parameter 'algorithm' - %v", err)
	}
	issuer, hasIssuer := DefaultIssuer, true
	if o.Issuer != nil {
		issuer, hasIssuer = *o.Issuer, *o.Issuer != ""
	}
	return tfa.NewKey(a.String(), digits, alg, period, issuer, hasIssuer)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CheckDescription is the description schema of add_tfa_entry: required,
// at most 255 characters; pxacl also refuses control characters.
func CheckDescription(d *string) error {
	if d == nil {
		return errors.New("'description' is required for new entries") // PBS wording
	}
	if !utf8.ValidString(*d) {
		return errors.New("parameter 'description' - invalid UTF-8")
	}
	if utf8.RuneCountInString(*d) > 255 {
		return errors.New("parameter 'description' - value must be at most 255 characters long")
	}
	if strings.ContainsFunc(*d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errors.New("parameter 'description' - value contains control characters")
	}
	return nil
}

// AddTOTP is add_tfa_entry type totp: the code must be valid for key now
// (steps −1, 0, +1), else "failed to verify TOTP challenge" and nothing is
// written. The new entry has no last-count, so that code may still be
// used once to log in, as in PBS. It returns the entry id.
func (s *Store) AddTOTP(userid string, description *string, key *tfa.Key, code string) (string, error) {
	if err := key.CheckEnroll(); err != nil {
		return "", fmt.Errorf("parameter 'totp' - %v", err)
	}
	a, err := s.checkTFAUser(userid)
	if err != nil {
		return "", err
	}
	if err := CheckDescription(description); err != nil {
		return "", err
	}
	f, unlock, err := s.lockTFA()
	if err != nil {
		return "", err
	}
	defer unlock()
	now := s.now()
	if _, ok, err := key.Match(code, now); err != nil || !ok {
		return "", errors.New("failed to verify TOTP challenge") // PBS wording
	}
	id, err := f.AddTOTP(a.String(), *description, key, now.Unix())
	if err != nil {
		return "", err
	}
	return id, s.writeTFA(f)
}

// AddRecovery is add_tfa_entry type recovery: 10 new keys, returned once;
// only one set per user.
func (s *Store) AddRecovery(userid string) ([]string, error) {
	a, err := s.checkTFAUser(userid)
	if err != nil {
		return nil, err
	}
	f, unlock, err := s.lockTFA()
	if err != nil {
		return nil, err
	}
	defer unlock()
	keys, err := f.AddRecovery(a.String(), s.now().Unix())
	if err != nil {
		return nil, err
	}
	return keys, s.writeTFA(f)
}

// DeleteTFA is delete_tfa: the entry id ("recovery" for the recovery
// keys); a user left without factors leaves tfa.json.
func (s *Store) DeleteTFA(userid, id string) error {
	a, err := parseUserid(userid)
	if err != nil {
		return err
	}
	f, unlock, err := s.lockTFA()
	if err != nil {
		return err
	}
	defer unlock()
	if err := f.Delete(a.String(), id); err != nil {
		return err
	}
	return s.writeTFA(f)
}

// UnlockTFA is unlock_tfa: the user's failure counters are reset (an
// empty or unparsable counters file is rewritten), and totp-locked and
// tfa-locked-until cleared. It reports whether the user
// was locked; tfa.json is written only then. A user without TFA data is
// "no such user".
func (s *Store) UnlockTFA(userid string) (bool, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return false, err
	}
	f, unlock, err := s.lockTFA()
	if err != nil {
		return false, err
	}
	defer unlock()
	if f.User(a.String()) == nil {
		return false, config.NoSuchUser(a.String()) // no second factor: unknown to tfa.json
	}
	c, err := s.openChallenge(a.String(), false)
	if err != nil {
		return false, err
	}
	if c != nil {
		defer c.close()
		if c.counters.TOTPFailures != 0 || c.counters.TFAFailures != 0 || c.broken != "" {
			c.counters.TOTPFailures, c.counters.TFAFailures = 0, 0
			if err := c.save(); err != nil {
				return false, err
			}
		}
	}
	was, err := f.Unlock(a.String(), s.now().Unix())
	if err != nil || !was {
		return was, err
	}
	return true, s.writeTFA(f)
}

// VerifyResult is the outcome of VerifyTFA.
type VerifyResult struct {
	tfa.Outcome
	Warnings []string
}

// ErrInactive refuses a disabled or expired user before any factor is
// looked at (PBS refuses them at ticket creation, §9).
var ErrInactive = errors.New("user account disabled or expired.") // PBS wording (staticcheck.conf)

// VerifyTFA checks a second-factor response ("totp:CODE" or
// "recovery:KEY") for userid as a PBS login does (§9), entirely under
// tfa.json.lock: read tfa.json and the user's challenge data, decide,
// save the counters, write tfa.json if it changed (last-count, a used
// recovery key, a lock). Concurrent verifications of one key therefore
// never both succeed. An error is bad input or a broken file; a refusal
// is an Outcome with OK false.
func (s *Store) VerifyTFA(userid, response string) (*VerifyResult, error) {
	a, err := parseUserid(userid)
	if err != nil {
		return nil, err
	}
	resp, err := tfa.ParseResponse(response)
	if err != nil {
		return nil, err
	}
	users, err := s.readUsers()
	if err != nil {
		return nil, err
	}
	u := users.User(a.String())
	if u == nil {
		return nil, config.NoSuchUser(a.String())
	}
	f, unlock, err := s.lockTFA()
	if err != nil {
		return nil, err
	}
	defer unlock()
	now := s.now()
	var expire int64
	if u.Expire != nil {
		expire = *u.Expire
	}
	if !config.Active(u.Enable == nil || *u.Enable, expire, now.Unix()) {
		return &VerifyResult{Outcome: tfa.Outcome{Type: resp.Type, Reason: ErrInactive.Error()}}, nil
	}
	res := &VerifyResult{}
	if f.User(a.String()) == nil {
		res.Outcome, err = tfa.Verify(f, &tfa.Counters{}, a.String(), resp, now)
		return res, err
	}
	c, err := s.openChallenge(a.String(), true)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if c.broken != "" { // fail closed: the count is unknown (tfastate.go)
		res.Outcome = tfa.Outcome{Type: resp.Type, Locked: true,
			Reason: fmt.Sprintf("the failure counters of %s (%s) are %s: every second factor counts as locked until 'pxacl user tfa unlock %s'",
				a, c.path, c.broken, a)}
		return res, nil
	}
	before := *c.counters
	res.Outcome, err = tfa.Verify(f, c.counters, a.String(), resp, now)
	if err != nil {
		return nil, err
	}
	if c.counters.TOTPFailures != before.TOTPFailures || c.counters.TFAFailures != before.TFAFailures {
		if err := c.save(); err != nil {
			return nil, err
		}
	}
	if res.SaveFile {
		if err := s.writeTFA(f); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// removeUserTFA drops a removed user's TFA data and challenge data
// (TfaConfig::remove_user); the caller holds tfa.json.lock and f is
// tfa.json as read under it.
func (s *Store) removeUserTFA(f *tfa.File, userid string) error {
	if f.RemoveUser(userid) {
		if err := s.writeTFA(f); err != nil {
			return err
		}
	}
	return s.removeChallenge(userid)
}
