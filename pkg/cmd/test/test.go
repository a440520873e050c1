// Package test is `pxacl test`: YAML permission assertions and Rego tests.
package test

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/policytest"
	"github.com/pxacl/pxacl/report"
)

// TestOptions are the inputs of `pxacl test`.
type TestOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Paths  []string // files and directories (default ".")
	Format string   // "" = --output-format
	JUnit  string   // also write JUnit XML here
}

// NewCmdTest is `pxacl test [PATH...]`.
func NewCmdTest(f *cmdutil.Factory, runF func(*TestOptions) error) *cobra.Command {
	opts := &TestOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run YAML permission assertions and Rego tests (exit 0 all pass, 1 a failure, 2 bad test file)",
		Long: `Run the YAML permission assertions in the given files, or in the *.yaml and
*.yml files with a top-level 'tests:' key found recursively under the given
directories (default: the current directory). A file's 'config:' (relative
to the file) names the configuration directory; files without one use
--config-dir.

Rego test files (*_test.rego, or any .rego file given by name) run with
OPA's test runner, as 'opa test' would, against pxacl's policies and the
compiled data of the configuration (data.pxacl.*). A comment line
'# pxacl:config DIR' (relative to the file) names the configuration
directory; files without one use --config-dir. See README.md, "Permission
tests in CI" and "Rego tests".`,
		Example: `  $ pxacl test tests/examples/pbs-hardening.yaml
  $ pxacl test --junit /tmp/permission-tests.xml tests/examples
  $ pxacl --config-dir examples/pbs test tests/examples/pbs_invariants_test.rego`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Format == "" {
				opts.Format = opts.Config.OutputFormat
			}
			if err := report.CheckFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return testRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "text, json or json-pretty (default: --output-format)")
	cmd.Flags().StringVar(&opts.JUnit, "junit", "", "also write JUnit XML to this file")
	cmdutil.RegisterValues(cmd, "format", report.Text, report.JSON, report.JSONPretty)
	return cmd
}

func testRun(ctx context.Context, opts *TestOptions) error {
	c := opts.Config
	r := &policytest.Runner{DefaultConfig: c.Dir, Flavor: c.Flavor, PVEVersion: c.PVEVersion}
	s, err := policytest.RunPaths(ctx, r, opts.Paths)
	var bad *policytest.BadFilesError
	if errors.As(err, &bad) {
		return &cmdutil.ExitError{Code: cmdutil.ExitBadInput, Msg: "pxacl: " + bad.Error()}
	}
	if err != nil {
		return err
	}
	if opts.JUnit != "" {
		out, err := os.Create(opts.JUnit)
		if err != nil {
			return err
		}
		if err := s.WriteJUnit(out); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	if opts.Format != report.Text {
		err = report.WriteJSON(opts.IO.Out, opts.Format, s)
	} else {
		err = s.WriteText(opts.IO.Out)
	}
	if err != nil {
		return err
	}
	if s.Failed > 0 {
		return cmdutil.ErrDenied("")
	}
	return nil
}
