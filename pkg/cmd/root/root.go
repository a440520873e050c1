// Package root is the `pxacl` command: the global flags, the command
// tree, and Run, which executes a command line and gives its exit code.
package root

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/buildinfo"
	"github.com/pxacl/pxacl/pkg/cmd/acl"
	"github.com/pxacl/pxacl/pkg/cmd/bundle"
	"github.com/pxacl/pxacl/pkg/cmd/check"
	"github.com/pxacl/pxacl/pkg/cmd/checkexpr"
	"github.com/pxacl/pxacl/pkg/cmd/diff"
	"github.com/pxacl/pxacl/pkg/cmd/explain"
	"github.com/pxacl/pxacl/pkg/cmd/group"
	"github.com/pxacl/pxacl/pkg/cmd/lint"
	"github.com/pxacl/pxacl/pkg/cmd/pool"
	"github.com/pxacl/pxacl/pkg/cmd/realm"
	"github.com/pxacl/pxacl/pkg/cmd/role"
	"github.com/pxacl/pxacl/pkg/cmd/serve"
	cmdTest "github.com/pxacl/pxacl/pkg/cmd/test"
	"github.com/pxacl/pxacl/pkg/cmd/user"
	"github.com/pxacl/pxacl/pkg/cmd/version"
	"github.com/pxacl/pxacl/pkg/cmd/whocan"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// NewCmdRoot is `pxacl`: the global flags, filled into f.Config, and every
// command.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	c := f.Config
	cmd := &cobra.Command{
		Use:   "pxacl",
		Short: "Proxmox access control as policy-as-code on OPA",
		Example: `  $ pxacl --config-dir examples/pbs check john@pbs /datastore/store1 Datastore.Backup
  $ pxacl --config-dir examples/pve user permissions alice@pve
  $ pxacl --config-dir examples/pbs lint`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			c.DirGiven = cmd.Flags().Changed("config-dir")
			if err := c.Resolve(); err != nil {
				return err
			}
			if _, err := evaluator.ParseEngine(c.Engine); err != nil {
				return err
			}
			if err := checkBundleFlag(cmd); err != nil {
				return err
			}
			return report.CheckFormat(c.OutputFormat)
		},
	}
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	pf := cmd.PersistentFlags()
	pf.StringVar(&c.Dir, "config-dir", c.Dir, "Proxmox configuration directory (env PXACL_CONFIG_DIR)")
	pf.StringVar((*string)(&c.Flavor), "flavor", c.Flavor.String(), "pbs or pve (default: detected from the files)")
	pf.StringVar(&c.OutputFormat, "output-format", c.OutputFormat, "text, json, json-pretty or yaml")
	pf.StringVar(&c.PVEVersion, "pve-version", c.PVEVersion, "PVE privilege catalog: 9 or 8")
	pf.StringVar(&c.BundleFile, "bundle", c.BundleFile, "answer from a bundle file built by 'pxacl bundle build' instead of --config-dir")
	pf.StringVar(&c.Engine, "engine", c.Engine, "how allow and permissions are decided: auto (natively when the policies are pxacl's own) or rego (OPA on the Rego policies)")
	cmdutil.RegisterValues(cmd, "flavor", "pbs", "pve")
	cmdutil.RegisterValues(cmd, "output-format", report.Text, report.JSON, report.JSONPretty, report.YAML)
	cmdutil.RegisterValues(cmd, "pve-version", "9", "8")
	cmdutil.RegisterValues(cmd, "engine", "auto", "rego")
	_ = cmd.RegisterFlagCompletionFunc("config-dir", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	_ = cmd.RegisterFlagCompletionFunc("bundle", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"tar.gz"}, cobra.ShellCompDirectiveFilterFileExt
	})

	cmd.AddCommand(user.NewCmdUser(f), acl.NewCmdACL(f), check.NewCmdCheck(f, nil), explain.NewCmdExplain(f, nil),
		bundle.NewCmdBundle(f), checkexpr.NewCmdCheckExpr(f, nil), cmdTest.NewCmdTest(f, nil), lint.NewCmdLint(f, nil),
		serve.NewCmdServe(f, nil), realm.NewCmdRealm(f), whocan.NewCmdWhoCan(f, nil), diff.NewCmdDiff(f, nil), version.NewCmdVersion(f, nil),
		group.NewCmdGroup(f), role.NewCmdRole(f), pool.NewCmdPool(f))
	info := buildinfo.Read()
	cmd.Version = info.Version
	cmd.SetVersionTemplate("{{printf \"%s\" .Annotations.buildinfo}}")
	cmd.Annotations = map[string]string{"buildinfo": info.String()}
	rejectUnknownSubcommands(cmd)
	return cmd
}

// Run executes the command line args with f and returns the exit code:
// 0 ok or allowed, 1 denied, 2 bad usage or bad input. Errors go to
// f's stderr.
func Run(f *cmdutil.Factory, args []string) int {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return cmdutil.ExitOK
	}
	var ex *cmdutil.ExitError
	if errors.As(err, &ex) {
		if ex.Msg != "" {
			fmt.Fprintln(f.IOStreams.ErrOut, ex.Msg)
		}
		return ex.Code
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "pxacl: %v\n", err)
	return cmdutil.ExitBadInput
}

// bundleCommands answer from a bundle built by `pxacl bundle build`; every
// other command reads the configuration files and refuses --bundle rather
// than quietly reading --config-dir.
var bundleCommands = map[string]bool{
	"pxacl check":            true,
	"pxacl explain":          true,
	"pxacl check-expr":       true,
	"pxacl user permissions": true,
	"pxacl bundle push":      true, // pushes the file as is
}

// checkBundleFlag refuses --bundle on a command that cannot answer from a
// bundle, and --bundle together with --config-dir.
func checkBundleFlag(cmd *cobra.Command) error {
	if !cmd.Flags().Changed("bundle") {
		return nil
	}
	if !bundleCommands[cmd.CommandPath()] {
		return fmt.Errorf("%s reads the configuration files and cannot answer from --bundle (commands that can: check, explain, check-expr, user permissions, bundle push)", cmd.CommandPath())
	}
	if cmd.Flags().Changed("config-dir") {
		return errors.New("give either --bundle or --config-dir, not both")
	}
	return nil
}

// rejectUnknownSubcommands makes every command group (a command with
// subcommands and no action of its own) fail on an unknown subcommand with
// cobra's "Did you mean" suggestions, instead of printing its help and
// exiting 0: a typo in a CI script must not pass.
func rejectUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2
		}
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n"
			for _, x := range s {
				msg += "\t" + x + "\n"
			}
		}
		return fmt.Errorf("%s\nRun '%s --help' for usage", msg, cmd.CommandPath())
	}
}
