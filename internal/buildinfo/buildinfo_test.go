package buildinfo

import (
	"runtime"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/bundle"
)

func TestRead(t *testing.T) {
	i := Read()
	if i.Version != bundle.Version || i.Go != runtime.Version() || i.OPA == "" || i.Commit == "" {
		t.Fatalf("incomplete build info: %+v", i)
	}
	s := i.String()
	for _, want := range []string{"pxacl " + bundle.Version + "\n", "go " + runtime.Version() + "\n", "opa " + i.OPA + "\n", "commit "} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %q, missing %q", s, want)
		}
	}
}
