package bundle

import (
	"slices"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdBundle(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	cmd := NewCmdBundle(f)
	want := map[string][]string{"build": nil}
	got := map[string][]string{}
	for _, c := range cmd.Commands() {
		got[c.Name()] = c.Aliases
	}
	// at least these: other subcommands (e.g. push) may join
	for name, aliases := range want {
		if a, ok := got[name]; !ok || !slices.Equal(a, aliases) {
			t.Errorf("%s: aliases %v (present %v), want %v", name, a, ok, aliases)
		}
		for _, alias := range aliases {
			if c, _, err := cmd.Find([]string{alias}); err != nil || c.Name() != name {
				t.Errorf("alias %s: %v", alias, err)
			}
		}
	}
}
