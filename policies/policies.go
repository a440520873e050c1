// Package policies holds pxacl's Rego modules, embedded in the binary:
// the public rules in package pxacl (public.rego, and the fast rules of
// allow in fast_pbs.rego and fast_pve.rego), everything else in package
// pxacl.lib. Their *_test.rego files sit beside them and run with
// `opa test policies`; they are never put into a bundle.
package policies

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.rego
var files embed.FS

// Module is one Rego source file.
type Module struct {
	Name string // file name, e.g. "pxacl.rego"
	Src  []byte
}

// Modules returns the policy modules (not the tests), sorted by name.
func Modules() []Module {
	names, err := fs.Glob(files, "*.rego")
	if err != nil {
		panic(err) // the pattern is constant
	}
	sort.Strings(names)
	var mods []Module
	for _, n := range names {
		if strings.HasSuffix(n, "_test.rego") {
			continue
		}
		src, err := files.ReadFile(n)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		mods = append(mods, Module{Name: n, Src: src})
	}
	return mods
}

// fastModule is the module of the fast rules of allow for a flavor.
func fastModule(flavor string) string { return "fast_" + flavor + ".rego" }

// ForFlavor returns the modules a bundle of the flavor ("pbs" or "pve")
// carries: all of them but the other flavor's fast rules, which could only
// fail on its document, at a cost to every query (docs/benchmarks.md).
// Decisions do not depend on it: the fast rules only ever grant what the
// general rules grant.
func ForFlavor(flavor string) []Module {
	var mods []Module
	for _, m := range Modules() {
		if IsFast(m.Name) && m.Name != fastModule(flavor) {
			continue
		}
		mods = append(mods, m)
	}
	return mods
}

// IsFast reports whether the module name is one of the flavors' fast rules.
func IsFast(name string) bool {
	return name == fastModule("pbs") || name == fastModule("pve")
}
