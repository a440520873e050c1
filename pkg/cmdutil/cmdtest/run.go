package cmdtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// Parse runs the command made by newCmd on args (split on spaces) with a
// runF that captures its options instead of running it: a flag-parsing
// test. The options are nil when parsing failed.
func Parse[O any](newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, args string) (*O, error) {
	f, _ := cmdutil.NewTestFactory(".")
	var got *O
	err := cmdutil.ExecuteArgs(newCmd(f, func(o *O) error { got = o; return nil }), args)
	return got, err
}

// Rejected runs run on a fresh copy of examples/<example> and fails the
// test unless it ends with a bad-input error (exit 2) containing want and
// leaves every configuration file as it was.
func Rejected(t *testing.T, example, want string, run func(f *cmdutil.Factory) error) {
	t.Helper()
	dir := CopyExample(t, example)
	before := ConfigFiles(t, dir)
	f, _ := cmdutil.NewTestFactory(dir)
	err := run(f)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want exit 2 and %q", err, want)
	}
	if after := ConfigFiles(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("files changed")
	}
}

// ExpectErr checks err against want, the text the error must contain,
// and reports whether an error was expected, so that the test stops there:
// if ExpectErr(t, err, tc.wantErr) { return }. With want "" it checks
// nothing and returns false (the caller checks the success case).
func ExpectErr(t *testing.T, err error, want string) bool {
	t.Helper()
	if want == "" {
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
	return true
}

// Output runs run on a fresh copy of examples/<example> with the output
// format format and checks what it printed: every string of want, or, with
// wantErr, a bad-input error (exit 2) containing it.
func Output(t *testing.T, example, format string, want []string, wantErr string, run func(f *cmdutil.Factory) error) {
	t.Helper()
	f, bufs := cmdutil.NewTestFactory(CopyExample(t, example))
	f.Config.OutputFormat = format
	err := run(f)
	if wantErr != "" {
		if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %v, want exit 2 and %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(bufs.Out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, bufs.Out)
		}
	}
}
