package token

import (
	"slices"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdToken(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	cmd := NewCmdToken(f)
	want := map[string][]string{"add": {"create"}, "modify": {"update"}, "remove": {"delete"}, "list": nil, "permissions": nil}
	got := map[string][]string{}
	for _, c := range cmd.Commands() {
		got[c.Name()] = c.Aliases
	}
	if len(got) != len(want) {
		t.Errorf("subcommands %v, want %v", got, want)
	}
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
