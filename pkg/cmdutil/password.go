package cmdutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Passwords never go on the command line if the caller can help it:
// every local user reads a process's arguments in /proc. --password-stdin
// reads the password the way pveum passwd does (PVE::PTY::read_password):
// from the terminal with no echo, asked twice, when stdin is a terminal;
// else one line from stdin. --password stays for scripts that accept the
// exposure, documented as unsafe.

const (
	passwordHelp      = "UNSAFE: the password on the command line, which every local user can read (ps, /proc); use --password-stdin"
	passwordStdinHelp = "read the password from stdin: asked twice with no echo on a terminal, else the first line (pbs realm; stored hashed in shadow.json)"
)

// PasswordFlags adds --password and --password-stdin to cmd; the returned
// function gives the password to set (nil: none given), reading stdin
// from in when --password-stdin says so.
func PasswordFlags(cmd *cobra.Command) func(in io.Reader, prompt io.Writer) (*string, error) {
	var password string
	var fromStdin bool
	cmd.Flags().StringVar(&password, "password", "", passwordHelp)
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, passwordStdinHelp)
	return func(in io.Reader, prompt io.Writer) (*string, error) {
		given := cmd.Flags().Changed("password")
		switch {
		case given && fromStdin:
			return nil, errors.New("--password and --password-stdin exclude each other")
		case given:
			return &password, nil
		case fromStdin:
			pw, err := ReadPassword(in, prompt)
			if err != nil {
				return nil, err
			}
			return &pw, nil
		}
		return nil, nil
	}
}

// ReadPassword reads a password from in: with no echo and confirmed when
// in is a terminal (prompts on prompt), else the first line, without its
// line ending. Errors never contain the password.
func ReadPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fd := int(f.Fd())
		// Ctrl-C while echo is off: put the terminal back before dying
		if st, err := term.GetState(fd); err == nil {
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			done := make(chan struct{})
			defer func() { signal.Stop(sig); close(done) }()
			go func() {
				select {
				case <-sig:
					_ = term.Restore(fd, st)
					fmt.Fprintln(prompt)
					os.Exit(130)
				case <-done:
				}
			}()
		}
		fmt.Fprint(prompt, "Enter new password: ")
		first, err := term.ReadPassword(fd)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		fmt.Fprint(prompt, "Retype new password: ")
		second, err := term.ReadPassword(fd)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if string(first) != string(second) {
			return "", errors.New("the passwords do not match")
		}
		return string(first), nil
	}
	// at most a line of PBS's longest password (64 characters) and then some
	line, err := bufio.NewReaderSize(io.LimitReader(in, 4096), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	if errors.Is(err, io.EOF) && line == "" {
		return "", errors.New("--password-stdin: stdin is empty; give the password on the first line")
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
