package policies

import (
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// public are the rules of package pxacl: the API (README, "Rego API";
// evaluator's queries). Every other rule is in package pxacl.lib.
var public = []string{"allow", "check_expr", "explain", "nodes", "permissions"}

func parseModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	mods := map[string]*ast.Module{}
	for _, m := range Modules() {
		p, err := ast.ParseModuleWithOpts(m.Name, string(m.Src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			t.Fatal(err)
		}
		mods[m.Name] = p
	}
	return mods
}

// TestModules: every policy module is embedded and listed, tests are not.
func TestModules(t *testing.T) {
	var names []string
	for _, m := range Modules() {
		names = append(names, m.Name)
	}
	want := []string{"explain.rego", "fast_pbs.rego", "fast_pve.rego", "public.rego", "pve.rego", "pve_explain.rego", "pve_expr.rego", "pxacl.rego"}
	if !slices.Equal(names, want) {
		t.Errorf("Modules() = %v, want %v", names, want)
	}
}

// TestForFlavor: a bundle carries its own flavor's fast rules and every
// other module.
func TestForFlavor(t *testing.T) {
	for flavor, without := range map[string]string{"pbs": "fast_pve.rego", "pve": "fast_pbs.rego"} {
		var names []string
		for _, m := range ForFlavor(flavor) {
			names = append(names, m.Name)
		}
		var want []string
		for _, m := range Modules() {
			if m.Name != without {
				want = append(want, m.Name)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("ForFlavor(%q) = %v, want %v", flavor, names, want)
		}
	}
}

// TestPublicRulesOnly: package pxacl holds the public rules and nothing
// else (the fast modules hold rules of allow). Activating a delta bundle, OPA
// copies the whole of data.pxacl once per rule path of package pxacl
// (docs/benchmarks.md, "Delta bundles"); rules of pxacl.lib cost nothing
// as long as data.pxacl.lib exists (compiler.Document.Lib).
func TestPublicRulesOnly(t *testing.T) {
	for name, m := range parseModules(t) {
		switch pkg := m.Package.Path.String(); pkg {
		case "data.pxacl":
			if name != "public.rego" && !IsFast(name) {
				t.Errorf("%s: package pxacl holds the public rules only (public.rego, fast_*.rego); use package pxacl.lib", name)
			}
			for _, r := range m.Rules {
				rule := r.Head.Ref().String()
				if !slices.Contains(public, rule) {
					t.Errorf("%s:%d: rule %s in package pxacl; only %v are public, put it in package pxacl.lib", name, r.Location.Row, rule, public)
				}
				if IsFast(name) && rule != "allow" {
					t.Errorf("%s:%d: %s holds rules of allow only, not %s", name, r.Location.Row, name, rule)
				}
			}
		case "data.pxacl.lib":
			if name == "public.rego" || IsFast(name) {
				t.Errorf("%s: package %s, want pxacl", name, pkg)
			}
		default:
			t.Errorf("%s: package %s, want pxacl.lib", name, pkg)
		}
	}
}

// TestPublicAnnotated: each public rule is annotated as an entrypoint.
func TestPublicAnnotated(t *testing.T) {
	m := parseModules(t)["public.rego"]
	entry := map[string]bool{}
	for _, r := range m.Rules {
		for _, a := range r.Annotations {
			if a.Entrypoint {
				entry[r.Head.Ref().String()] = true
			}
		}
	}
	for _, r := range public {
		if !entry[r] {
			t.Errorf("data.pxacl.%s has no METADATA with entrypoint: true", r)
		}
	}
}

// TestFastRulesFirst: OPA tries the rules of allow in module order and
// stops at the first that succeeds; the fast rules (fast_*.rego) come
// before public.rego's, which delegates to the general rules.
func TestFastRulesFirst(t *testing.T) {
	c := ast.NewCompiler()
	if c.Compile(parseModules(t)); c.Failed() {
		t.Fatal(c.Errors)
	}
	var files []string
	for _, r := range c.GetRulesExact(ast.MustParseRef("data.pxacl.allow")) {
		if !r.Default {
			files = append(files, r.Location.File)
		}
	}
	last := len(files) - 1
	if last < 1 || files[last] != "public.rego" || slices.Contains(files[:last], "public.rego") {
		t.Fatalf("rules of allow from %v: want the fast modules', then public.rego's", files)
	}
	for _, f := range files[:last] {
		if !IsFast(f) {
			t.Errorf("rules of allow from %v: want the fast modules', then public.rego's", files)
		}
	}
}

// TestFastRulesOneParentPattern: the four "one level below" rules of the
// fast modules write out the pattern that strips the last component (a
// call to a shared rule costs them 2 µs); all must be the same.
func TestFastRulesOneParentPattern(t *testing.T) {
	var patterns []string
	mods := parseModules(t)
	for _, name := range []string{"fast_pbs.rego", "fast_pve.rego"} {
		ast.WalkTerms(mods[name], func(x *ast.Term) bool {
			call, ok := x.Value.(ast.Call)
			if ok && call[0].String() == "regex.replace" && len(call) == 4 {
				patterns = append(patterns, call[2].String())
			}
			return false
		})
	}
	if len(patterns) != 4 || len(slices.Compact(slices.Clone(patterns))) != 1 {
		t.Errorf("regex.replace patterns in the fast modules: %q, want four identical ones", patterns)
	}
}
