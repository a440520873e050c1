// Options of an Evaluator: the engine that decides allow and
// permissions, and how FromConfigDir compiles.

package evaluator

import (
	"fmt"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
)

// Engine selects how Allowed and Permissions are decided.
type Engine int

const (
	// Auto decides natively (package evaluator/native) when the bundle's
	// policies are pxacl's own, else with OPA. The default.
	Auto Engine = iota
	// Rego always evaluates the Rego policies with OPA.
	Rego
)

// ParseEngine parses "auto" or "rego".
func ParseEngine(s string) (Engine, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "rego":
		return Rego, nil
	}
	return Auto, fmt.Errorf("unknown engine %q (want auto or rego)", s)
}

// Option configures an Evaluator.
type Option func(*options)

type options struct {
	engine  Engine
	compile compiler.Options // FromConfigDir only
}

// WithEngine selects the engine for Allowed and Permissions.
func WithEngine(e Engine) Option { return func(o *options) { o.engine = e } }

// WithFlavor makes FromConfigDir read the configuration as flavor
// (config.PBS or config.PVE) instead of detecting it. Other constructors
// ignore it.
func WithFlavor(flavor config.Flavor) Option { return func(o *options) { o.compile.Flavor = flavor } }

// WithPVEVersion makes FromConfigDir use the catalog of a PVE version ("",
// "9" or "8"; compiler.Options.PVEVersion). Other constructors ignore it.
func WithPVEVersion(version string) Option {
	return func(o *options) { o.compile.PVEVersion = version }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}
