package user

import (
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdUser(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	cmd := NewCmdUser(f)
	want := map[string][]string{
		"permissions": nil, "list": nil, "create": {"add"}, "update": {"modify"}, "remove": {"delete"},
		"list-tokens": nil, "generate-token": nil, "delete-token": nil, "tfa": nil, "token": nil,
	}
	got := map[string][]string{}
	for _, c := range cmd.Commands() {
		got[c.Name()] = c.Aliases
	}
	if len(got) != len(want) {
		t.Errorf("subcommands %v, want %v", got, want)
	}
	for name, aliases := range want {
		a, ok := got[name]
		if !ok || !slices.Equal(a, aliases) {
			t.Errorf("%s: aliases %v (present %v), want %v", name, a, ok, aliases)
		}
	}
	// pveum's verbs reach the proxmox-backup-manager commands
	for alias, name := range map[string]string{"add": "create", "modify": "update", "delete": "remove"} {
		c, _, err := cmd.Find([]string{alias, "x@pbs"})
		if err != nil || c.Name() != name {
			t.Errorf("%s: %v %v, want %s", alias, c, err, name)
		}
	}
	// nested groups
	for _, path := range [][]string{{"token", "add"}, {"token", "create"}, {"tfa", "add-totp"}, {"tfa", "verify"}} {
		if c, _, err := cmd.Find(path); err != nil || c.Parent().Parent() != cmd {
			t.Errorf("%s: %v", strings.Join(path, " "), err)
		}
	}
	if err := cmdutil.ExecuteArgs(cmd, "nosuch"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown subcommand: %v", err)
	}
}
