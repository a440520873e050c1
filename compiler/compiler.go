// Package compiler turns a Proxmox configuration into the data document of
// a pxacl bundle (data.pxacl). It validates, normalises and indexes: role
// names are expanded to privilege sets, ACL entries are keyed by normalised
// path and then by subject, accounts carry their activity state.
//
// Some of the semantics are compiled: on PBS a NoAccess role in force
// yields the empty privilege set (privsets.go). The rest is decided over
// the document by the Rego policies (package policies) and by the native
// engine (package evaluator/native), kept equal by differential tests:
// inheritance and replacement, PVE's NoAccess over the union of a level
// (entries only carry NoAccess flags), groups, pools and the token clamp.
//
// Files: compiler.go loads and compiles a configuration directory
// (Compile, Options); document.go is the document's types; pbs.go and
// pve.go compile each flavor; privsets.go interns privilege sets; tfa.go
// holds the second-factor state; json.go writes the document; nodes.go
// orders and groups ACL nodes.
package compiler

import (
	"time"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
)

// Options say how Compile reads a configuration directory. The zero value
// detects the flavor and uses the newest catalog.
type Options struct {
	// Flavor is config.PBS, config.PVE or "" to detect it from the files
	// in the directory.
	Flavor config.Flavor
	// PVEVersion selects the PVE catalog: "" or "9" for PVE 9, "8" for
	// PVE 8. PBS ignores it.
	PVEVersion string
}

// Compile loads the configuration in dir and compiles it.
func Compile(dir string, opts Options) (*Document, error) {
	flavor, err := config.DetectFlavor(dir, opts.Flavor)
	if err != nil {
		return nil, err
	}
	if flavor == config.PVE {
		return compilePVEDir(dir, opts.PVEVersion)
	}
	cat, err := catalog.For(config.PBS, "")
	if err != nil {
		return nil, err
	}
	cfg, err := pbs.Load(dir, cat.IsRole)
	if err != nil {
		return nil, err
	}
	d, err := CompilePBS(cfg, cat)
	if err != nil {
		return nil, err
	}
	// No permission depends on tfa.json (PBS reads it only at login): a
	// tfa.json pxacl cannot use leaves the second-factor state out, with a
	// warning and a note in the metadata, instead of failing the compile.
	if d.TFA, err = LoadTFA(dir, time.Now().Unix()); err != nil {
		d.TFA, d.TFAError = nil, err
		d.Meta.TFA = "unavailable: " + TFAReason(err)
		d.Warnings = append(d.Warnings, TFAUnreadable(dir, err))
	}
	return d, nil
}
