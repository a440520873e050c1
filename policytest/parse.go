// Package policytest runs YAML permission assertions ("policy tests")
// against a compiled Proxmox configuration: the engine of `pxacl test`.
//
// A test file is a YAML mapping with an optional `config:` (the
// configuration directory, relative to the file) and a `tests:` list. Each
// test has a `name` and one of three shapes:
//
//   - a single case: `auth_id` and `path`, with any of `allow`, `deny` and
//     `permissions`;
//   - a quantified case: `for_all: {auth_ids: GLOB, paths: [GLOB...]}`
//     (either part may instead be given by `auth_id` or `path`), with
//     `allow` and/or `deny`;
//   - a who-can case: `path` and `who_can: {privilege: P, exactly: [IDS]}`.
//
// `allow: [P...]` passes when the auth id holds all the listed privileges
// together (one query, PBS partial=false). `deny: [P...]` passes when each
// listed privilege alone is denied. `permissions: {P: propagate}` passes
// when the effective permission map (data.pxacl.permissions) is exactly the
// given one. `now` (epoch seconds) is the time for enable/expire checks in
// allow, deny and who_can.
//
// `unknown: true` says the test is about an auth id that is not in the
// configuration (no user or token section) and expects it to stay so: the
// test fails if the id is configured. Without it, a `deny` about an auth id
// that is not in the configuration fails ("no such user ..."): an unknown id
// is denied everything, so such a deny would pass whatever the ACL says,
// usually because of a typo. `unknown` needs `auth_id` (for_all.auth_ids
// globs match configured ids only) and cannot go with `allow` or `who_can`.
package policytest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
)

// File is a parsed test file.
type File struct {
	Path       string // as given
	Config     string // config dir resolved against the file's dir; "" = none
	ConfigLine int    // line of the config: key
	Tests      []*Test
}

// Test is one entry of `tests:`.
type Test struct {
	Name        string
	Line        int
	AuthID      string
	Path        string
	Allow       []string
	Deny        []string
	Permissions map[string]bool // nil = not checked
	ForAll      *ForAll
	WhoCan      *WhoCan
	Now         int64
	// Unknown: the auth id is expected not to be in the configuration
	// (`unknown: true`); without it a deny about an unknown id fails.
	Unknown bool
}

// ForAll quantifies a test over auth ids and/or paths of the configuration.
type ForAll struct {
	AuthIDs string
	Paths   []string
}

// WhoCan asserts the exact set of auth ids holding Privilege on the path.
type WhoCan struct {
	Privilege string
	Exactly   []string
}

// FileError is a mistake in a test file: exit 2.
type FileError struct {
	File string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ParseFile reads and validates a test file.
func ParseFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{File: path, Msg: err.Error()}
	}
	return Parse(path, data)
}

// hasTestsKey reports whether data is a YAML mapping with a top-level
// `tests:` key; a file that does not parse counts when a line starts with
// "tests:" (so that a broken test file is reported, not skipped).
func hasTestsKey(data []byte) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		for _, l := range bytes.Split(data, []byte("\n")) {
			if bytes.HasPrefix(l, []byte("tests:")) {
				return true
			}
		}
		return false
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "tests" {
			return true
		}
	}
	return false
}

type parser struct {
	file string
	cat  privCatalog
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &FileError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Parse validates the test file data read from path.
func Parse(path string, data []byte) (*File, error) {
	p := &parser{file: path, cat: anyFlavor}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		var ln int
		if _, e := fmt.Sscanf(msg, "line %d:", &ln); e == nil {
			line = ln
			msg = strings.TrimSpace(strings.TrimPrefix(msg, fmt.Sprintf("line %d:", ln)))
		}
		return nil, &FileError{File: path, Line: line, Msg: "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return nil, p.errf(nil, "empty file: a `tests:` list is required")
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, p.errf(top, "the file must be a mapping with `config:` and `tests:`")
	}
	f := &File{Path: path}
	var testsNode *yaml.Node
	err := p.fields(top, func(k, v *yaml.Node) error {
		switch k.Value {
		case "config":
			s, err := p.str(v, "config")
			if err != nil {
				return err
			}
			if s == "" {
				return p.errf(v, "config: must not be empty")
			}
			if !filepath.IsAbs(s) {
				s = filepath.Join(filepath.Dir(path), s)
			}
			f.Config, f.ConfigLine = s, v.Line
		case "tests":
			testsNode = v
		default:
			return p.errf(k, "unknown key %s (expected config or tests)", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if testsNode == nil {
		return nil, p.errf(top, "missing `tests:` list")
	}
	if testsNode.Kind != yaml.SequenceNode {
		return nil, p.errf(testsNode, "tests: must be a list")
	}
	if len(testsNode.Content) == 0 {
		return nil, p.errf(testsNode, "tests: the list is empty")
	}
	names := map[string]int{}
	for _, tn := range testsNode.Content {
		t, err := p.test(tn)
		if err != nil {
			return nil, err
		}
		if l, dup := names[t.Name]; dup {
			return nil, p.errf(tn, "duplicate test name %s (first at line %d)", quote(t.Name), l)
		}
		names[t.Name] = t.Line
		f.Tests = append(f.Tests, t)
	}
	return f, nil
}

// fields calls fn for each key/value of a mapping node.
func (p *parser) fields(m *yaml.Node, fn func(k, v *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode {
			return p.errf(k, "a key must be a string")
		}
		if l, dup := seen[k.Value]; dup {
			return p.errf(k, "duplicate key %s (already defined at line %d)", quote(k.Value), l)
		}
		seen[k.Value] = k.Line
		if err := fn(m.Content[i], m.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(n *yaml.Node, key string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, "%s: must be a string", key)
	}
	return n.Value, nil
}

func (p *parser) strList(n *yaml.Node, key string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, "%s: must be a list", key)
	}
	var out []string
	for _, e := range n.Content {
		s, err := p.str(e, key+" entry")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *parser) privList(n *yaml.Node, key string) ([]string, error) {
	l, err := p.strList(n, key)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, p.errf(n, "%s: the list is empty", key)
	}
	for i, s := range l {
		if err := p.priv(n.Content[i], s, key); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// privCatalog is what the parser needs of a privilege catalog.
type privCatalog interface {
	IsPrivilege(string) bool
	IsRole(string) bool
}

// unionCatalog accepts a name known to any of its catalogs. Test files are
// parsed before their configuration is loaded, so names are checked against
// every flavor here and against the configuration's flavor when it runs.
type unionCatalog []*catalog.Catalog

func (u unionCatalog) IsPrivilege(s string) bool {
	return slices.ContainsFunc(u, func(c *catalog.Catalog) bool { return c.IsPrivilege(s) })
}

func (u unionCatalog) IsRole(s string) bool {
	return slices.ContainsFunc(u, func(c *catalog.Catalog) bool { return c.IsRole(s) })
}

var anyFlavor = unionCatalog{catalog.MustFor(config.PBS, ""), catalog.MustFor(config.PVE, "9"), catalog.MustFor(config.PVE, "8")}

// privileges lists every privilege name a test uses.
func (t *Test) privileges() []string {
	out := append(append([]string(nil), t.Allow...), t.Deny...)
	for p := range t.Permissions {
		out = append(out, p)
	}
	if t.WhoCan != nil {
		out = append(out, t.WhoCan.Privilege)
	}
	return out
}

func (p *parser) priv(n *yaml.Node, s, key string) error {
	if p.cat.IsPrivilege(s) {
		return nil
	}
	if p.cat.IsRole(s) {
		return p.errf(n, "%s: %s is a role, not a privilege (list its privileges)", key, quote(s))
	}
	return p.errf(n, "%s: unknown privilege %s", key, quote(s))
}

func (p *parser) authID(n *yaml.Node, s, key string) (string, error) {
	a, err := authid.ParseAny(s)
	if err != nil {
		return "", p.errf(n, "%s: invalid auth id %s: %v", key, quote(s), err)
	}
	return a.String(), nil
}

// aclPath checks a test's path by the query rule (aclpath; the flavor's
// own rule applies when the test runs). for_all.paths are patterns with
// '*': they must be absolute and have no "." or ".." component.
func (p *parser) aclPath(n *yaml.Node, s, key string) error {
	if key != "path" {
		if !strings.HasPrefix(s, "/") || aclpath.Dotted(s) {
			return p.errf(n, "%s: %s must be an absolute ACL path starting with /, without '.' or '..' components", key, quote(s))
		}
		return nil
	}
	if err := aclpath.AnyQuery(s); err != nil {
		return p.errf(n, "%s: %v", key, err)
	}
	return nil
}

func (p *parser) test(n *yaml.Node) (*Test, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "a test must be a mapping with name, auth_id, path, ...")
	}
	t := &Test{Line: n.Line}
	var hasName bool
	var authNode, pathNode *yaml.Node
	err := p.fields(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "name":
			t.Name, err = p.str(v, "name")
			hasName = err == nil && t.Name != ""
			if err == nil && !hasName {
				err = p.errf(v, "name: must not be empty")
			}
		case "auth_id":
			authNode = v
			if t.AuthID, err = p.str(v, "auth_id"); err == nil {
				t.AuthID, err = p.authID(v, t.AuthID, "auth_id")
			}
		case "path":
			pathNode = v
			if t.Path, err = p.str(v, "path"); err == nil {
				err = p.aclPath(v, t.Path, "path")
			}
		case "allow":
			t.Allow, err = p.privList(v, "allow")
		case "deny":
			t.Deny, err = p.privList(v, "deny")
		case "permissions":
			t.Permissions, err = p.permissions(v)
		case "for_all":
			t.ForAll, err = p.forAll(v)
		case "who_can":
			t.WhoCan, err = p.whoCan(v)
		case "now":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
				return p.errf(v, "now: must be an integer (epoch seconds)")
			}
			err = v.Decode(&t.Now)
		case "unknown":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				return p.errf(v, "unknown: must be true or false")
			}
			err = v.Decode(&t.Unknown)
		default:
			err = p.errf(k, "unknown key %s in a test (expected name, auth_id, path, allow, deny, permissions, for_all, who_can, now, unknown)", quote(k.Value))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !hasName {
		return nil, p.errf(n, "test without a name")
	}
	where := func(msg string, args ...any) error {
		return p.errf(n, "test %s: %s", quote(t.Name), fmt.Sprintf(msg, args...))
	}
	checks := len(t.Allow) > 0 || len(t.Deny) > 0 || t.Permissions != nil
	if t.Unknown {
		switch {
		case t.WhoCan != nil:
			return nil, where("unknown: true does not go with who_can (it lists configured ids only)")
		case len(t.Allow) > 0:
			return nil, where("unknown: true does not go with allow: an auth id that is not in the configuration is never allowed")
		case authNode == nil:
			return nil, where("unknown: true needs auth_id (for_all.auth_ids matches configured ids only)")
		}
	}
	switch {
	case t.WhoCan != nil:
		if t.ForAll != nil || authNode != nil || checks {
			return nil, where("who_can takes only a path (no auth_id, for_all, allow, deny or permissions)")
		}
		if pathNode == nil {
			return nil, where("missing path for who_can")
		}
	default:
		if !checks {
			return nil, where("nothing to check: give allow, deny, permissions or who_can")
		}
		fa := t.ForAll
		if fa == nil {
			fa = &ForAll{}
		}
		switch {
		case authNode == nil && fa.AuthIDs == "":
			return nil, where("missing auth_id (or for_all.auth_ids)")
		case authNode != nil && fa.AuthIDs != "":
			return nil, where("give either auth_id or for_all.auth_ids, not both")
		case pathNode == nil && fa.Paths == nil:
			return nil, where("missing path (or for_all.paths)")
		case pathNode != nil && fa.Paths != nil:
			return nil, where("give either path or for_all.paths, not both")
		}
	}
	return t, nil
}

func (p *parser) permissions(n *yaml.Node) (map[string]bool, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "permissions: must be a mapping {Privilege: propagate}")
	}
	out := map[string]bool{}
	err := p.fields(n, func(k, v *yaml.Node) error {
		if err := p.priv(k, k.Value, "permissions"); err != nil {
			return err
		}
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			return p.errf(v, "permissions: %s: must be true or false (the propagate flag)", k.Value)
		}
		var b bool
		if err := v.Decode(&b); err != nil {
			return p.errf(v, "permissions: %v", err)
		}
		out[k.Value] = b
		return nil
	})
	return out, err
}

func (p *parser) forAll(n *yaml.Node) (*ForAll, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "for_all: must be a mapping {auth_ids: GLOB, paths: [GLOB...]}")
	}
	fa := &ForAll{}
	err := p.fields(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "auth_ids":
			fa.AuthIDs, err = p.str(v, "for_all.auth_ids")
			if err == nil && fa.AuthIDs == "" {
				err = p.errf(v, "for_all.auth_ids: must not be empty")
			}
			if err == nil && !strings.Contains(fa.AuthIDs, "*") {
				_, err = p.authID(v, fa.AuthIDs, "for_all.auth_ids")
			}
		case "paths":
			fa.Paths, err = p.strList(v, "for_all.paths")
			if err == nil && len(fa.Paths) == 0 {
				err = p.errf(v, "for_all.paths: the list is empty")
			}
			for i, s := range fa.Paths {
				if err == nil {
					err = p.aclPath(v.Content[i], s, "for_all.paths")
				}
			}
		default:
			err = p.errf(k, "unknown key %s in for_all (expected auth_ids or paths)", quote(k.Value))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if fa.AuthIDs == "" && fa.Paths == nil {
		return nil, p.errf(n, "for_all: give auth_ids and/or paths")
	}
	return fa, nil
}

func (p *parser) whoCan(n *yaml.Node) (*WhoCan, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "who_can: must be a mapping {privilege: P, exactly: [IDS]}")
	}
	w := &WhoCan{}
	var hasPriv, hasExactly bool
	err := p.fields(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "privilege":
			hasPriv = true
			if w.Privilege, err = p.str(v, "who_can.privilege"); err == nil {
				err = p.priv(v, w.Privilege, "who_can.privilege")
			}
		case "exactly":
			hasExactly = true
			w.Exactly, err = p.strList(v, "who_can.exactly")
			for i, s := range w.Exactly {
				if err == nil {
					w.Exactly[i], err = p.authID(v.Content[i], s, "who_can.exactly")
				}
			}
		default:
			err = p.errf(k, "unknown key %s in who_can (expected privilege or exactly)", quote(k.Value))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !hasPriv {
		return nil, p.errf(n, "who_can: missing privilege")
	}
	if !hasExactly {
		return nil, p.errf(n, "who_can: missing exactly (the list of auth ids; [] for nobody)")
	}
	slices.Sort(w.Exactly)
	w.Exactly = slices.Compact(w.Exactly)
	return w, nil
}

// quote shows a value from a test file or configuration in a message:
// double-quoted as policytest always has, escaped and cut by safetext.
func quote(s string) string { return `"` + safetext.Value(s) + `"` }
