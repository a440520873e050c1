package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/report"
)

// globals are the flags every command shares (DESIGN.md).
type globals struct {
	configDir    string
	flavor       string
	outputFormat string
	bundleFile   string
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "pxacl",
		Short:         "Proxmox access control as policy-as-code on OPA",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
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
	pf.StringVar(&g.bundleFile, "bundle", "", "answer from a bundle file built by 'pxacl bundle build' instead of --config-dir")
	root.AddCommand(newUserCmd(g), newACLCmd(g), newCheckCmd(g), newExplainCmd(g), newBundleCmd(g), newTestCmd(g))
	return root
}

// evaluator loads the bundle file or compiles the configuration directory.
func (g *globals) evaluator(ctx context.Context) (*evaluator.Evaluator, error) {
	if g.bundleFile != "" {
		return evaluator.FromBundleFile(ctx, g.bundleFile)
	}
	if err := g.checkFlavor(); err != nil {
		return nil, err
	}
	return evaluator.FromConfigDir(ctx, g.configDir)
}

func (g *globals) checkFlavor() error {
	flavor, err := config.DetectFlavor(g.configDir, g.flavor)
	if err != nil {
		return err
	}
	if flavor != config.PBS {
		return fmt.Errorf("%s: the %s flavor is not supported yet", g.configDir, flavor)
	}
	return nil
}

// parseAuthID validates an auth id argument (§6).
func parseAuthID(s string) (string, error) {
	a, err := authid.ParseAny(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}
