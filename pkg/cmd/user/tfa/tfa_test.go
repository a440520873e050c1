package tfa

import (
	"sort"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdTFA(t *testing.T) {
	f, _ := cmdutil.NewTestFactory(".")
	cmd := NewCmdTFA(f)
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
		if len(c.Aliases) != 0 {
			t.Errorf("%s has aliases %v", c.Name(), c.Aliases)
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "add-recovery add-totp delete list unlock verify" {
		t.Errorf("subcommands %s", got)
	}
	// the counters' place is not the caller's to choose: no flag moves it
	if cmd.PersistentFlags().HasFlags() || cmd.Flags().HasFlags() {
		t.Errorf("the tfa group has flags")
	}
}
