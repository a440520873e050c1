// Package authid parses and validates Proxmox Backup Server user ids
// ("name@realm") and auth ids ("name@realm" or "name@realm!token"),
// following the grammar of docs/semantics.md §6 exactly.
package authid

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pxacl/pxacl/internal/safetext"
)

// Length limits of the Userid and Authid API schemas (§6).
const (
	MinLen      = 3
	MaxLen      = 64
	MinRealmLen = 2
	MaxRealmLen = 32
)

// isUserName matches USER_NAME = [^\s:/[:cntrl:]]+ (§6). Rust's \s is
// Unicode White_Space and [:cntrl:] is ASCII only. Go's RE2 has no
// \p{White_Space}, so this is a hand-written check; invalid UTF-8 (which a
// Rust &str cannot hold) is rejected too.
func isUserName(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ':' || r == '/' || unicode.Is(unicode.White_Space, r) {
			return false
		}
	}
	return true
}

// isSafeID matches SAFE_ID = [A-Za-z0-9_][A-Za-z0-9._\-]* (ASCII only).
func isSafeID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		case (c == '.' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid auth id")

// Authid is a user ("john@pbs") or an API token ("john@pbs!client1").
type Authid struct {
	Name  string // user name, may itself contain '@' and '!'
	Realm string
	Token string // empty for users
}

// IsToken reports whether a is an API token.
func (a Authid) IsToken() bool { return a.Token != "" }

// User returns the owning user id ("name@realm").
func (a Authid) User() string { return a.Name + "@" + a.Realm }

// String returns the canonical display form.
func (a Authid) String() string {
	if a.Token != "" {
		return a.User() + "!" + a.Token
	}
	return a.User()
}

// IsSuperuser reports whether a is the non-token user root@pam (§3.4).
func (a Authid) IsSuperuser() bool { return !a.IsToken() && a.Name == "root" && a.Realm == "pam" }

// Parse parses s like PBS's Authid::from_str: the user part ends at the last
// '@'; a '!' after that '@' separates the token name. Length limits of the
// API schema are not applied (see ValidateSchema).
func Parse(s string) (Authid, error) {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Authid{}, fmt.Errorf("%w: %s is not a valid user id", ErrInvalid, safetext.Quote(s))
	}
	realmAndToken := s[at+1:]
	realm, token, hasToken := realmAndToken, "", false
	if bang := strings.LastIndexByte(realmAndToken, '!'); bang >= 0 {
		realm, token, hasToken = realmAndToken[:bang], realmAndToken[bang+1:], true
	}
	a := Authid{Name: s[:at], Realm: realm, Token: token}
	if err := checkUser(s, a.Name, a.Realm); err != nil {
		return Authid{}, err
	}
	if hasToken {
		if token == "" {
			return Authid{}, fmt.Errorf("%w: empty token name in userid %s", ErrInvalid, safetext.Quote(s))
		}
		if !isSafeID(token) {
			return Authid{}, fmt.Errorf("%w: invalid token name %s in %s", ErrInvalid, safetext.Quote(token), safetext.Quote(s))
		}
	}
	return a, nil
}

// ParseUserid parses a user id; a token id is rejected.
func ParseUserid(s string) (Authid, error) {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Authid{}, fmt.Errorf("%w: %s is not a valid user id", ErrInvalid, safetext.Quote(s))
	}
	a := Authid{Name: s[:at], Realm: s[at+1:]}
	if err := checkUser(s, a.Name, a.Realm); err != nil {
		return Authid{}, err
	}
	return a, nil
}

func checkUser(s, name, realm string) error {
	if !isUserName(name) {
		return fmt.Errorf("%w: %s is not a valid user id (bad user name)", ErrInvalid, safetext.Quote(s))
	}
	n := len(realm)
	if n < MinRealmLen || n > MaxRealmLen || !isSafeID(realm) {
		return fmt.Errorf("%w: %s is not a valid user id (bad realm %s)", ErrInvalid, safetext.Quote(s), safetext.Quote(realm))
	}
	return nil
}

// ValidateSchema applies the API schema on top of Parse: 3..64 characters
// (counted as Unicode chars), and for wantToken the token form is required
// (true) or forbidden (false). It is used for section ids in user.cfg and for
// command-line arguments.
func ValidateSchema(s string, wantToken bool) (Authid, error) {
	var a Authid
	var err error
	if wantToken {
		a, err = Parse(s)
	} else {
		a, err = ParseUserid(s)
	}
	if err != nil {
		return Authid{}, err
	}
	if wantToken && !a.IsToken() {
		return Authid{}, fmt.Errorf("%w: %s is not an API token id", ErrInvalid, safetext.Quote(s))
	}
	if n := utf8.RuneCountInString(s); n < MinLen || n > MaxLen {
		return Authid{}, fmt.Errorf("%w: %s must be %d..%d characters long (is %d)", ErrInvalid, safetext.Quote(s), MinLen, MaxLen, n)
	}
	return a, nil
}

// ParseAny parses an auth id given on a command line or in input: users and
// tokens, with the schema length limits.
func ParseAny(s string) (Authid, error) {
	a, err := Parse(s)
	if err != nil {
		return Authid{}, err
	}
	if n := utf8.RuneCountInString(s); n < MinLen || n > MaxLen {
		return Authid{}, fmt.Errorf("%w: %s must be %d..%d characters long (is %d)", ErrInvalid, safetext.Quote(s), MinLen, MaxLen, n)
	}
	return a, nil
}

// IsSafeID reports whether s matches SAFE_ID.
func IsSafeID(s string) bool { return isSafeID(s) }
