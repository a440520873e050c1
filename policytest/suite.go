package policytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// BadFilesError reports test files that cannot run (syntax, unknown
// users or privileges, a missing configuration): nothing ran, exit 2.
type BadFilesError struct {
	Problems []string
}

func (e *BadFilesError) Error() string {
	return "bad test file:\n  " + strings.Join(e.Problems, "\n  ")
}

// RunPaths is `pxacl test`: it discovers the YAML and Rego test files
// under paths (default "."), validates every one before anything runs
// (a *BadFilesError lists the mistakes), runs them with r and summarizes.
func RunPaths(ctx context.Context, r *Runner, paths []string) (*Summary, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	yamlPaths, err := Discover(paths)
	if err != nil {
		return nil, err
	}
	regoPaths, err := DiscoverRego(paths)
	if err != nil {
		return nil, err
	}
	if len(yamlPaths) == 0 && len(regoPaths) == 0 {
		return nil, fmt.Errorf("no test files (YAML with a top-level tests: key, or *_test.rego) under %s", strings.Join(paths, ", "))
	}
	var files []*File
	var bad []string
	for _, p := range yamlPaths {
		f, err := ParseFile(p)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		files = append(files, f)
	}
	var regoFiles []*RegoFile
	for _, p := range regoPaths {
		f, err := ParseRegoFile(p)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		regoFiles = append(regoFiles, f)
	}
	if len(bad) > 0 {
		return nil, &BadFilesError{Problems: bad}
	}
	var results []*FileResult
	for _, f := range files {
		fr, err := r.Run(ctx, f)
		var fe *FileError
		if errors.As(err, &fe) {
			bad = append(bad, err.Error())
			continue
		}
		if err != nil {
			return nil, err
		}
		results = append(results, fr)
	}
	if len(bad) == 0 && len(regoFiles) > 0 {
		frs, err := r.RunRego(ctx, regoFiles)
		var fe *FileError
		if errors.As(err, &fe) {
			bad = append(bad, err.Error())
		} else if err != nil {
			return nil, err
		}
		results = append(results, frs...)
	}
	if len(bad) > 0 {
		return nil, &BadFilesError{Problems: bad}
	}
	return Summarize(results), nil
}
