package config

import "github.com/pxacl/pxacl/internal/safetext"

// NoSuchError is the one error, in every command, for an auth id the
// configuration does not have: "no such user 'nobody@pbs'" or "no such
// token 'john@pbs!t'". The id is shown escaped and cut (safetext).
type NoSuchError struct {
	Kind string // "user" or "token"
	ID   string
}

func (e *NoSuchError) Error() string { return "no such " + e.Kind + " " + safetext.Quote(e.ID) }

// NoSuchUser is the error for a user id the configuration does not have.
func NoSuchUser(id string) error { return &NoSuchError{Kind: "user", ID: id} }

// NoSuchToken is the error for a token id the configuration does not have.
func NoSuchToken(id string) error { return &NoSuchError{Kind: "token", ID: id} }
