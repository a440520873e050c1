package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/report"
)

// globals are the flags every command shares (DESIGN.md).
type globals struct {
	configDir    string
	flavor       string
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
			return report.CheckFormat(g.outputFormat)
		},
	}
	defDir := os.Getenv("PXACL_CONFIG_DIR")
	if defDir == "" {
		defDir = "/etc/proxmox-backup"
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configDir, "config-dir", defDir, "Proxmox configuration directory (env PXACL_CONFIG_DIR)")
	pf.StringVar(&g.flavor, "flavor", "", "pbs or pve (default: detected from the files)")
	pf.StringVar(&g.outputFormat, "output-format", report.Text, "text, json or json-pretty")
	pf.StringVar(&g.pveVersion, "pve-version", "9", "PVE privilege catalog: 9 or 8")
	pf.StringVar(&g.bundleFile, "bundle", "", "answer from a bundle file built by 'pxacl bundle build' instead of --config-dir")
	pf.StringVar(&g.engine, "engine", "auto", "how allow and permissions are decided: auto (natively when the policies are pxacl's own) or rego (OPA on the Rego policies)")
	root.AddCommand(newUserCmd(g), newACLCmd(g), newCheckCmd(g), newExplainCmd(g), newBundleCmd(g),
		newCheckExprCmd(g), newTestCmd(g), newLintCmd(g), newServeCmd(g), newWhoCanCmd(g), newDiffCmd(g))
	return root
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
// pve-semantics §1.1) on stderr.
func (g *globals) compile() (*compiler.Document, error) {
	if err := g.checkFlavor(); err != nil {
		return nil, err
	}
	doc, err := compiler.CompileDirFlavor(g.configDir, g.flavor, g.pveVersion)
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
	if flavor == config.PBS {
		// tfa.json is 0600 root on a PBS host: say so when it cannot be read
		if _, err := compiler.LoadTFA(g.configDir, 0); errors.Is(err, fs.ErrPermission) {
			fmt.Fprintf(os.Stderr, "warning: %s\n", compiler.TFAUnreadable(g.configDir, err))
		}
	}
	return nil
}

// detected is the flavor of the configuration ("pbs" when it cannot be
// told, e.g. with --bundle).
func (g *globals) detected() string {
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
func parseAuthID(s, flavor string) (string, error) {
	if flavor == config.PVE {
		if _, _, ok := pve.SplitTokenID(s); ok || pve.VerifyUsername(s) {
			return s, nil
		}
		return "", fmt.Errorf("value %s does not look like a valid user or token id", safetext.Quote(s))
	}
	a, err := authid.ParseAny(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}
