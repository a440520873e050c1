package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// ExecuteArgs runs cmd with the command line args (split on spaces when
// one string is given) and no output, for flag-parsing tests.
func ExecuteArgs(cmd *cobra.Command, args ...string) error {
	if len(args) == 1 {
		args = strings.Fields(args[0])
	}
	if args == nil {
		args = []string{}
	}
	cmd.SetArgs(args)
	cmd.SetOut(&strings.Builder{})
	cmd.SetErr(&strings.Builder{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	_, err := cmd.ExecuteC()
	return err
}
