package cmdutil

import (
	"errors"
	"fmt"
)

// Exit codes of every command.
const (
	ExitOK       = 0 // allowed, passed, done
	ExitDenied   = 1 // denied, refused, a failing test or finding
	ExitBadInput = 2 // bad usage or bad input
)

// ExitError ends the command with Code; Msg (if any) goes to stderr.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// ErrDenied ends the command with exit 1, printing msg (if any).
func ErrDenied(msg string) error { return &ExitError{Code: ExitDenied, Msg: msg} }

// ErrBadInput ends the command with exit 2, printing "pxacl: " and msg.
func ErrBadInput(format string, a ...any) error {
	return &ExitError{Code: ExitBadInput, Msg: "pxacl: " + fmt.Sprintf(format, a...)}
}

// ExitCode is the exit code of a command's error: 0 for nil, an
// ExitError's code, else 2.
func ExitCode(err error) int {
	var ex *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ex):
		return ex.Code
	}
	return ExitBadInput
}
