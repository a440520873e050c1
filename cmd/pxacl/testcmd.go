package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/policytest"
	"github.com/pxacl/pxacl/report"
)

func newTestCmd(g *globals) *cobra.Command {
	var format, junit string
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "" {
				format = g.outputFormat
			}
			if err := report.CheckFormat(format); err != nil {
				return err
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			paths, err := policytest.Discover(args)
			if err != nil {
				return err
			}
			regoPaths, err := policytest.DiscoverRego(args)
			if err != nil {
				return err
			}
			if len(paths) == 0 && len(regoPaths) == 0 {
				return fmt.Errorf("no test files (YAML with a top-level tests: key, or *_test.rego) under %s", strings.Join(args, ", "))
			}
			// every file is validated before anything runs: exit 2 on a mistake
			var files []*policytest.File
			var bad []string
			for _, p := range paths {
				f, err := policytest.ParseFile(p)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				files = append(files, f)
			}
			var regoFiles []*policytest.RegoFile
			for _, p := range regoPaths {
				f, err := policytest.ParseRegoFile(p)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				regoFiles = append(regoFiles, f)
			}
			r := &policytest.Runner{DefaultConfig: g.configDir, Flavor: g.flavor, PVEVersion: g.pveVersion}
			var results []*policytest.FileResult
			if len(bad) == 0 {
				for _, f := range files {
					fr, err := r.Run(cmd.Context(), f)
					var fe *policytest.FileError
					if errors.As(err, &fe) {
						bad = append(bad, err.Error())
						continue
					}
					if err != nil {
						return err
					}
					results = append(results, fr)
				}
			}
			if len(bad) == 0 && len(regoFiles) > 0 {
				frs, err := r.RunRego(cmd.Context(), regoFiles)
				var fe *policytest.FileError
				if errors.As(err, &fe) {
					bad = append(bad, err.Error())
				} else if err != nil {
					return err
				}
				results = append(results, frs...)
			}
			if len(bad) > 0 {
				return &exitError{code: 2, msg: "pxacl: bad test file:\n  " + strings.Join(bad, "\n  ")}
			}
			s := policytest.Summarize(results)
			if junit != "" {
				out, err := os.Create(junit)
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
			if format != report.Text {
				err = report.WriteJSON(cmd.OutOrStdout(), format, s)
			} else {
				err = s.WriteText(cmd.OutOrStdout())
			}
			if err != nil {
				return err
			}
			if s.Failed > 0 {
				return errDenied("")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "text, json or json-pretty (default: --output-format)")
	cmd.Flags().StringVar(&junit, "junit", "", "also write JUnit XML to this file")
	return cmd
}
