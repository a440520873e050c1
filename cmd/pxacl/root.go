package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/buildinfo"
	"github.com/pxacl/pxacl/pveid"
	"github.com/pxacl/pxacl/report"
)

// globals are the flags every command shares.
type globals struct {
	configDir    string
	flavor       config.Flavor
	outputFormat string
	bundleFile   string
	pveVersion   string
	engine       string
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "pxacl",
		Short:         "Proxmox access control as policy-as-code on OPA",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := evaluator.ParseEngine(g.engine); err != nil {
				return err
			}
			if err := checkBundleFlag(cmd); err != nil {
				return err
			}
			return report.CheckFormat(g.outputFormat)
		},
	}
	defDir := os.Getenv("PXACL_CONFIG_DIR")
	if defDir == "" {
		defDir = "/etc/proxmox-backup"
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configDir, "config-dir", defDir, "Proxmox configuration directory (env PXACL_CONFIG_DIR)")
	pf.StringVar((*string)(&g.flavor), "flavor", "", "pbs or pve (default: detected from the files)")
	pf.StringVar(&g.outputFormat, "output-format", report.Text, "text, json or json-pretty")
	pf.StringVar(&g.pveVersion, "pve-version", "9", "PVE privilege catalog: 9 or 8")
	pf.StringVar(&g.bundleFile, "bundle", "", "answer from a bundle file built by 'pxacl bundle build' instead of --config-dir")
	pf.StringVar(&g.engine, "engine", "auto", "how allow and permissions are decided: auto (natively when the policies are pxacl's own) or rego (OPA on the Rego policies)")
	root.AddCommand(newUserCmd(g), newACLCmd(g), newCheckCmd(g), newExplainCmd(g), newBundleCmd(g),
		newCheckExprCmd(g), newTestCmd(g), newLintCmd(g), newServeCmd(g), newWhoCanCmd(g), newDiffCmd(g),
		newVersionCmd())
	root.Version = buildinfo.Read().Version
	root.SetVersionTemplate("{{printf \"%s\" .Annotations.buildinfo}}")
	root.Annotations = map[string]string{"buildinfo": buildinfo.Read().String()}
	rejectUnknownSubcommands(root)
	return root
}

// bundleCommands answer from a bundle built by `pxacl bundle build`; every
// other command reads the configuration files and refuses --bundle rather
// than quietly reading --config-dir.
var bundleCommands = map[string]bool{
	"pxacl check":            true,
	"pxacl explain":          true,
	"pxacl check-expr":       true,
	"pxacl user permissions": true,
}

// checkBundleFlag refuses --bundle on a command that cannot answer from a
// bundle, and --bundle together with --config-dir.
func checkBundleFlag(cmd *cobra.Command) error {
	if !cmd.Flags().Changed("bundle") {
		return nil
	}
	if !bundleCommands[cmd.CommandPath()] {
		return fmt.Errorf("%s reads the configuration files and cannot answer from --bundle (commands that can: check, explain, check-expr, user permissions)", cmd.CommandPath())
	}
	if cmd.Flags().Changed("config-dir") {
		return errors.New("give either --bundle or --config-dir, not both")
	}
	return nil
}

// newVersionCmd is `pxacl version`, the same text as `pxacl --version`.
func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the pxacl version, the Go and OPA versions and the commit it was built from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), buildinfo.Read())
			return err
		},
	}
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

// evaluator loads the bundle file or compiles the configuration directory.
func (g *globals) evaluator(ctx context.Context) (*evaluator.Evaluator, error) {
	engine, err := evaluator.ParseEngine(g.engine)
	if err != nil {
		return nil, err
	}
	if g.bundleFile != "" {
		return evaluator.FromBundleFile(ctx, g.bundleFile, evaluator.WithEngine(engine))
	}
	doc, err := g.compile()
	if err != nil {
		return nil, err
	}
	return evaluator.FromDocument(ctx, doc, evaluator.WithEngine(engine))
}

// compile checks the flavor and compiles the configuration directory,
// printing what PVE would warn about (each ignored line with file:line,
// docs/semantics.md pve §1.1) on stderr.
func (g *globals) compile() (*compiler.Document, error) {
	if err := g.checkFlavor(); err != nil {
		return nil, err
	}
	doc, err := compiler.Compile(g.configDir, compiler.Options{Flavor: g.flavor, PVEVersion: g.pveVersion})
	if err != nil {
		return nil, err
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(os.Stderr, "warning: %s\n", w)
	}
	return doc, nil
}

func (g *globals) checkFlavor() error {
	flavor, err := config.DetectFlavor(g.configDir, g.flavor)
	if err != nil {
		return err
	}
	if flavor != config.PBS && flavor != config.PVE {
		return fmt.Errorf("%s: the %s flavor is not supported", g.configDir, flavor)
	}
	// a tfa.json pxacl cannot use is warned about once, by compile
	return nil
}

// detected is the flavor of the configuration ("pbs" when it cannot be
// told, e.g. with --bundle).
func (g *globals) detected() config.Flavor {
	if g.bundleFile != "" {
		return g.flavor
	}
	f, err := config.DetectFlavor(g.configDir, g.flavor)
	if err != nil {
		return config.PBS
	}
	return f
}

// parseAuthID validates an auth id argument (PBS §6; PVE §1.2 userid or
// token id).
func parseAuthID(s string, flavor config.Flavor) (string, error) {
	if flavor == config.PVE {
		if err := pveid.CheckAuthID(s); err != nil {
			return "", err
		}
		return s, nil
	}
	a, err := authid.ParseAny(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}
