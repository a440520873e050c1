package report

import "github.com/pxacl/pxacl/config"

// InactiveMessage is PBS's authentication error for a configured account
// that is disabled or expired, or a token whose owner is (§4.2).
const InactiveMessage = "user account or token disabled or expired."

// NoSuchMessage is the one wording for an auth id the configuration does
// not have: "no such user 'nobody@pbs'" or, for a token, "no such token
// 'x@pbs!t'". The id is escaped and cut by safetext.
func NoSuchMessage(authID string, token bool) string {
	if token {
		return config.NoSuchToken(authID).Error()
	}
	return config.NoSuchUser(authID).Error()
}

// DenialReason is why an auth id cannot be allowed anything before its
// privileges count: unknown (NoSuchMessage), or inactive
// (InactiveMessage); "" when it is known and active.
func DenialReason(authID string, known, token, active bool) string {
	switch {
	case !known:
		return NoSuchMessage(authID, token)
	case !active:
		return InactiveMessage
	}
	return ""
}
