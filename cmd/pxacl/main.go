// Command pxacl answers Proxmox permission questions from the real
// configuration files, through OPA. See README.md.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the exit code: 0 ok/allowed,
// 1 denied, 2 bad usage or bad input.
func run(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(os.Stderr, ex.msg)
		}
		return ex.code
	}
	fmt.Fprintf(os.Stderr, "pxacl: %v\n", err)
	return 2
}

// exitError ends the command with a code; msg (if any) goes to stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// errDenied is returned when a check is denied: exit 1.
func errDenied(msg string) error { return &exitError{code: 1, msg: msg} }
