package pbs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTestdata returns testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkErr asserts err is a *ParseError whose text starts with wantPrefix
// ("file:line:") and contains every string in wantParts.
func checkErr(t *testing.T, err error, wantPrefix string, wantParts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %q...", wantPrefix)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *ParseError", err, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, wantPrefix) {
		t.Errorf("error %q does not start with %q", msg, wantPrefix)
	}
	for _, p := range wantParts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
}
