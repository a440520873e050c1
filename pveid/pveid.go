// Package pveid is the one home of Proxmox VE's identifier grammar
// (docs/semantics.md §1.2 of PVE; pve-access-control's verify_username,
// split_tokenid and the group, role and pool formats): user ids
// ("name@realm"), API token ids ("name@realm!sub"), realms, group, role and
// pool names. PBS's grammar, which differs, is package authid.
//
// PVE checks identifiers with Perl regexes over the bytes of user.cfg, so
// this package does too: lengths count bytes, and \s is Perl's, which
// includes \v (Go's \s does not). "ä"×31 + "@pve" is 66 bytes and no user
// id, "a\vb@pve" is none either. Every pxacl component that validates a PVE
// id (the user.cfg parser, the native engine, the command line) calls this
// package.
package pveid

import (
	"fmt"
	"regexp"

	"github.com/pxacl/pxacl/internal/safetext"
)

// PerlSpace is Perl's \s on bytes: Go's \s lacks \v.
const PerlSpace = "\t\n\v\f\r "

// Length limits of a user id, in bytes (verify_username, §1.2).
const (
	MinUseridLen = 3
	MaxUseridLen = 64
)

// realm is the realm regex, also the token sub-id's: [A-Za-z][A-Za-z0-9.\-_]+.
const realm = `[A-Za-z][A-Za-z0-9\.\-_]+`

var (
	realmRe = regexp.MustCompile(`^` + realm + `$`)
	userRe  = regexp.MustCompile(`^([^` + PerlSpace + `:/]+)@(` + realm + `)$`)
	tokenRe = regexp.MustCompile(`^(([^` + PerlSpace + `:/]+)@(` + realm + `))!(` + realm + `)$`)
	nameRe  = regexp.MustCompile(`^[A-Za-z0-9\.\-_]+$`)
	poolRe  = regexp.MustCompile(`^[A-Za-z0-9\.\-_]+(?:/[A-Za-z0-9\.\-_]+){0,2}$`)
)

// ValidUserid reports whether s is a user id: verify_username,
// ^([^\s:/]+)@(realm)$ and 3..64 bytes. The name is greedy: "a@b.com@ldap"
// is user "a@b.com" of realm "ldap".
func ValidUserid(s string) bool {
	return len(s) >= MinUseridLen && len(s) <= MaxUseridLen && userRe.MatchString(s)
}

// SplitTokenID returns the user id and sub-id of a valid token id
// ("user@realm!sub"): split_tokenid, whose user part must be a valid user
// id and whose sub-id follows the realm regex.
func SplitTokenID(s string) (user, sub string, ok bool) {
	m := tokenRe.FindStringSubmatch(s)
	if m == nil || !ValidUserid(m[1]) {
		return "", "", false
	}
	return m[1], m[4], true
}

// IsTokenID reports whether s is a valid token id.
func IsTokenID(s string) bool {
	_, _, ok := SplitTokenID(s)
	return ok
}

// ValidAuthID reports whether s is a valid user id or token id: the ids a
// permission query may name.
func ValidAuthID(s string) bool { return ValidUserid(s) || IsTokenID(s) }

// CheckAuthID is ValidAuthID with the command line's error for an invalid
// id.
func CheckAuthID(s string) error {
	if ValidAuthID(s) {
		return nil
	}
	return fmt.Errorf("value %s does not look like a valid user or token id", safetext.Quote(s))
}

// ValidRealm reports whether s is a realm name ([A-Za-z][A-Za-z0-9.\-_]+).
func ValidRealm(s string) bool { return realmRe.MatchString(s) }

// ValidGroup reports whether s is a group name ([A-Za-z0-9.\-_]+; PVE 9.0.5
// and later, §1.2).
func ValidGroup(s string) bool { return nameRe.MatchString(s) }

// ValidRole reports whether s is a role name ([A-Za-z0-9.\-_]+).
func ValidRole(s string) bool { return nameRe.MatchString(s) }

// ValidPool reports whether s is a pool id: up to three levels of
// [A-Za-z0-9.\-_]+ separated by '/'.
func ValidPool(s string) bool { return poolRe.MatchString(s) }
