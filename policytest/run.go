package policytest

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/report"
)

// DefaultPaths are always part of a path quantifier's universe, besides
// the ACL node paths of the configuration.
var DefaultPaths = aclpath.DefaultPermissionPaths(config.PBS)

// Discover returns the YAML test files under paths: a file is taken as
// given (except *.rego files, see DiscoverRego); a
// directory is searched recursively for *.yaml and *.yml files with a
// top-level `tests:` key (dot-directories are skipped). The result is
// sorted and deduplicated per argument.
func Discover(paths []string) ([]string, error) {
	return discover(paths,
		func(p string) bool { return !strings.HasSuffix(p, ".rego") },
		func(path string) (bool, error) {
			ext := filepath.Ext(path)
			if ext != ".yaml" && ext != ".yml" {
				return false, nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return false, err
			}
			return hasTestsKey(data), nil
		})
}

// discover expands paths: a file is taken when named(file) holds; a
// directory is walked (skipping dot directories below it) for files that
// match(file), each directory's finds sorted; duplicates are dropped.
func discover(paths []string, named func(string) bool, match func(string) (bool, error)) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if named(p) && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			ok, err := match(path)
			if err != nil {
				return err
			}
			if ok && !seen[path] {
				seen[path] = true
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

// Failure is one failing case of a test.
type Failure struct {
	AuthID     string   `json:"auth_id,omitempty"`
	Path       string   `json:"path"`
	Privileges []string `json:"privileges,omitempty"`
	Check      string   `json:"check"` // allow, deny, permissions, who_can, for_all
	Message    string   `json:"message"`
	Explain    string   `json:"explain,omitempty"` // the rendered explanation of the decision
}

// Result is the outcome of one test.
type Result struct {
	Name     string    `json:"name"`
	Line     int       `json:"line"`
	Passed   bool      `json:"passed"`
	Cases    int       `json:"cases"` // queries evaluated
	Failures []Failure `json:"failures,omitempty"`
}

// FileResult is the outcome of one test file.
type FileResult struct {
	File   string    `json:"file"`
	Config string    `json:"config"`
	Tests  []*Result `json:"tests"`
}

// Summary counts the results.
type Summary struct {
	Files  []*FileResult `json:"files"`
	Tests  int           `json:"tests"`
	Passed int           `json:"passed"`
	Failed int           `json:"failed"`
}

// Runner evaluates test files; it compiles each configuration directory once.
type Runner struct {
	// DefaultConfig is used by files without `config:` (the --config-dir).
	DefaultConfig string
	// Flavor is passed to config.DetectFlavor ("" = detect).
	Flavor config.Flavor
	// PVEVersion picks the PVE privilege catalog ("", "9" or "8").
	PVEVersion string

	envs map[string]*env
}

type env struct {
	ev    *evaluator.Evaluator
	cat   *catalog.Catalog // the configuration's privileges
	ids   []string         // every user and token, sorted (root@pam included)
	paths []string         // ACL node paths plus DefaultPaths, sorted
}

func (r *Runner) env(ctx context.Context, f *File) (*env, string, error) {
	dir, line := f.Config, f.ConfigLine
	if dir == "" {
		dir = r.DefaultConfig
	}
	if e, ok := r.envs[dir]; ok {
		return e, dir, nil
	}
	fail := func(err error) (*env, string, error) {
		return nil, dir, &FileError{File: f.Path, Line: line, Msg: fmt.Sprintf("config %s: %v", dir, err)}
	}
	flavor, err := config.DetectFlavor(dir, r.Flavor)
	if err != nil {
		return fail(err)
	}
	ev, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithFlavor(flavor), evaluator.WithPVEVersion(r.PVEVersion))
	if err != nil {
		return fail(err)
	}
	e := &env{ev: ev}
	paths := map[string]bool{}
	for _, p := range DefaultPaths {
		paths[p] = true
	}
	switch flavor {
	case config.PVE:
		if e.cat, err = catalog.For(config.PVE, r.PVEVersion); err != nil {
			return fail(err)
		}
		cfg, err := pve.Load(dir, e.cat)
		if err != nil {
			return fail(err)
		}
		for _, u := range cfg.Users {
			e.ids = append(e.ids, u.ID)
			for _, t := range u.Tokens {
				e.ids = append(e.ids, t.ID)
			}
		}
		cfg.Walk(func(p string, _ *pve.ACLNode) { paths[p] = true })
	default:
		e.cat = catalog.MustFor(config.PBS, "")
		cfg, err := pbs.Load(dir, e.cat.IsRole)
		if err != nil {
			return fail(err)
		}
		for _, u := range cfg.Users.Users {
			e.ids = append(e.ids, u.Userid)
		}
		for _, t := range cfg.Users.Tokens {
			e.ids = append(e.ids, t.Tokenid)
		}
		if cfg.ACL != nil {
			cfg.ACL.Walk(func(p string, _ *pbs.ACLNode) { paths[p] = true })
		}
	}
	if !slices.Contains(e.ids, "root@pam") {
		e.ids = append(e.ids, "root@pam")
	}
	e.paths = slices.Sorted(maps.Keys(paths))
	slices.Sort(e.ids)
	e.ids = slices.Compact(e.ids)
	if r.envs == nil {
		r.envs = map[string]*env{}
	}
	r.envs[dir] = e
	return e, dir, nil
}

// Run evaluates the tests of f. A configuration that cannot be loaded is a
// *FileError; an evaluation error is returned as is.
func (r *Runner) Run(ctx context.Context, f *File) (*FileResult, error) {
	e, dir, err := r.env(ctx, f)
	if err != nil {
		return nil, err
	}
	fr := &FileResult{File: f.Path, Config: dir}
	for _, t := range f.Tests {
		if t.Path != "" {
			if err := aclpath.Query(e.cat.Flavor, t.Path); err != nil {
				return nil, &FileError{File: f.Path, Line: t.Line, Msg: fmt.Sprintf("test %s: %v", quote(t.Name), err)}
			}
		}
		for _, p := range t.privileges() {
			if !e.cat.IsPrivilege(p) {
				return nil, &FileError{File: f.Path, Line: t.Line, Msg: fmt.Sprintf("test %s: privilege %s does not exist in the %s configuration %s", quote(t.Name), quote(p), e.cat.Flavor, dir)}
			}
		}
		res, err := e.run(ctx, f.Path, t)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: test %s: %w", f.Path, t.Line, quote(t.Name), err)
		}
		fr.Tests = append(fr.Tests, res)
	}
	return fr, nil
}

// Glob reports whether s matches pattern, where '*' matches any run of
// characters other than sep (sep 0: any run at all). "*!*" thus matches
// every token, "*@pbs" every user of the pbs realm and "/datastore/*"
// (sep '/') every direct child of /datastore.
func Glob(pattern, s string, sep byte) bool {
	if pattern == "" {
		return s == ""
	}
	if pattern[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if Glob(pattern[1:], s[i:], sep) {
				return true
			}
			if i < len(s) && sep != 0 && s[i] == sep {
				return false
			}
		}
		return false
	}
	return s != "" && pattern[0] == s[0] && Glob(pattern[1:], s[1:], sep)
}

func expand(patterns []string, universe []string, sep byte) []string {
	var out []string
	for _, p := range patterns {
		if !strings.Contains(p, "*") {
			out = append(out, p)
			continue
		}
		for _, u := range universe {
			if Glob(p, u, sep) {
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (e *env) explain(ctx context.Context, q evaluator.Query) (string, error) {
	x, err := e.ev.Explain(ctx, q)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := report.WriteExplanation(&b, x); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (e *env) run(ctx context.Context, file string, t *Test) (*Result, error) {
	res := &Result{Name: t.Name, Line: t.Line}
	if t.WhoCan != nil {
		if err := e.whoCan(ctx, t, res); err != nil {
			return nil, err
		}
		res.Passed = len(res.Failures) == 0
		return res, nil
	}
	ids, paths := []string{t.AuthID}, []string{t.Path}
	if fa := t.ForAll; fa != nil {
		if fa.AuthIDs != "" {
			ids = expand([]string{fa.AuthIDs}, e.ids, 0)
		}
		if fa.Paths != nil {
			paths = expand(fa.Paths, e.paths, '/')
		}
		if len(ids) == 0 || len(paths) == 0 {
			res.Failures = append(res.Failures, Failure{Check: "for_all",
				Message: fmt.Sprintf("for_all matched no auth ids or no paths in the configuration (auth_ids %s, paths %s)", quote(fa.AuthIDs), quote(strings.Join(fa.Paths, ", ")))})
			return res, nil
		}
	}
	for _, id := range ids {
		v, err := e.ev.Check(ctx, evaluator.Query{AuthID: id, Path: "/", Privileges: []string{}, Clock: t.Now})
		if err != nil {
			return nil, err
		}
		where := fmt.Sprintf("%s:%d: test %s", file, t.Line, quote(t.Name))
		switch {
		case t.Unknown && v.Known:
			res.Failures = append(res.Failures, Failure{AuthID: id, Check: "unknown",
				Message: fmt.Sprintf("%s: expected an auth id that is not in the configuration (unknown: true), but %s is configured", where, safetext.Quote(id))})
			continue
		case !t.Unknown && !v.Known && len(t.Deny) > 0:
			res.Cases++
			res.Failures = append(res.Failures, Failure{AuthID: id, Privileges: t.Deny, Check: "deny",
				Message: fmt.Sprintf("%s: %s: a deny about an auth id that is not in the configuration passes whatever the ACL says; fix the id, or add `unknown: true` if the test means an unknown one", where, report.NoSuchMessage(id, v.Token))})
			continue
		}
		for _, path := range paths {
			if err := e.single(ctx, t, id, path, res); err != nil {
				return nil, err
			}
		}
	}
	res.Passed = len(res.Failures) == 0
	return res, nil
}

func (e *env) single(ctx context.Context, t *Test, id, path string, res *Result) error {
	if len(t.Allow) > 0 {
		q := evaluator.Query{AuthID: id, Path: path, Privileges: t.Allow, Clock: t.Now}
		res.Cases++
		ok, err := e.ev.Allowed(ctx, q)
		if err != nil {
			return err
		}
		if !ok {
			x, err := e.explain(ctx, q)
			if err != nil {
				return err
			}
			res.Failures = append(res.Failures, Failure{AuthID: id, Path: path, Privileges: t.Allow, Check: "allow",
				Message: fmt.Sprintf("%s on %s: expected allowed [%s], got denied", id, path, strings.Join(t.Allow, ", ")), Explain: x})
		}
	}
	for _, p := range t.Deny {
		q := evaluator.Query{AuthID: id, Path: path, Privileges: []string{p}, Clock: t.Now}
		res.Cases++
		ok, err := e.ev.Allowed(ctx, q)
		if err != nil {
			return err
		}
		if ok {
			x, err := e.explain(ctx, q)
			if err != nil {
				return err
			}
			res.Failures = append(res.Failures, Failure{AuthID: id, Path: path, Privileges: []string{p}, Check: "deny",
				Message: fmt.Sprintf("%s on %s: expected %s denied, got allowed", id, path, p), Explain: x})
		}
	}
	if t.Permissions != nil {
		res.Cases++
		got, err := e.ev.Permissions(ctx, id, path)
		if err != nil {
			return err
		}
		if !maps.Equal(got, t.Permissions) {
			var diff []string
			var privs []string
			keys := slices.Sorted(maps.Keys(t.Permissions))
			for _, k := range slices.Sorted(maps.Keys(got)) {
				if _, ok := t.Permissions[k]; !ok {
					keys = append(keys, k)
				}
			}
			for _, k := range keys {
				w, wok := t.Permissions[k]
				g, gok := got[k]
				switch {
				case wok && !gok:
					diff = append(diff, fmt.Sprintf("missing %s", k))
				case !wok && gok:
					diff = append(diff, fmt.Sprintf("unexpected %s (propagate %v)", k, g))
				case w != g:
					diff = append(diff, fmt.Sprintf("%s propagate %v, expected %v", k, g, w))
				default:
					continue
				}
				privs = append(privs, k)
			}
			x, err := e.explain(ctx, evaluator.Query{AuthID: id, Path: path, Privileges: privs, Clock: t.Now})
			if err != nil {
				return err
			}
			res.Failures = append(res.Failures, Failure{AuthID: id, Path: path, Privileges: privs, Check: "permissions",
				Message: fmt.Sprintf("%s on %s: permissions differ: %s", id, path, strings.Join(diff, "; ")), Explain: x})
		}
	}
	return nil
}

func (e *env) whoCan(ctx context.Context, t *Test, res *Result) error {
	w := t.WhoCan
	var holders []string
	for _, id := range e.ids {
		res.Cases++
		ok, err := e.ev.Allowed(ctx, evaluator.Query{AuthID: id, Path: t.Path, Privileges: []string{w.Privilege}, Clock: t.Now})
		if err != nil {
			return err
		}
		if ok {
			holders = append(holders, id)
		}
	}
	for _, id := range holders {
		if !slices.Contains(w.Exactly, id) {
			x, err := e.explain(ctx, evaluator.Query{AuthID: id, Path: t.Path, Privileges: []string{w.Privilege}, Clock: t.Now})
			if err != nil {
				return err
			}
			res.Failures = append(res.Failures, Failure{AuthID: id, Path: t.Path, Privileges: []string{w.Privilege}, Check: "who_can",
				Message: fmt.Sprintf("%s holds %s on %s but is not listed in who_can.exactly (holders: %s)", id, w.Privilege, t.Path, strings.Join(holders, ", ")), Explain: x})
		}
	}
	for _, id := range w.Exactly {
		if !slices.Contains(holders, id) {
			x, err := e.explain(ctx, evaluator.Query{AuthID: id, Path: t.Path, Privileges: []string{w.Privilege}, Clock: t.Now})
			if err != nil {
				return err
			}
			res.Failures = append(res.Failures, Failure{AuthID: id, Path: t.Path, Privileges: []string{w.Privilege}, Check: "who_can",
				Message: fmt.Sprintf("%s is listed in who_can.exactly but does not hold %s on %s (holders: %s)", id, w.Privilege, t.Path, strings.Join(holders, ", ")), Explain: x})
		}
	}
	return nil
}

// Summarize counts the results of files.
func Summarize(files []*FileResult) *Summary {
	s := &Summary{Files: files}
	for _, f := range files {
		for _, t := range f.Tests {
			s.Tests++
			if t.Passed {
				s.Passed++
			} else {
				s.Failed++
			}
		}
	}
	return s
}
