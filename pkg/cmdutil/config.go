package cmdutil

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pveid"
	"github.com/pxacl/pxacl/report"
)

// DefaultConfigDir is --config-dir when neither it nor $PXACL_CONFIG_DIR
// is given; DefaultPVEConfigDir replaces it with --flavor pve.
const (
	DefaultConfigDir    = "/etc/proxmox-backup"
	DefaultPVEConfigDir = "/etc/pve"
)

// Config is what the global flags say about the configuration: where it
// is, its flavor, how to answer, and the output format. It loads the
// configuration for the commands.
type Config struct {
	Dir          string        // --config-dir
	Flavor       config.Flavor // --flavor ("" = detect)
	OutputFormat string        // --output-format
	BundleFile   string        // --bundle
	PVEVersion   string        // --pve-version
	Engine       string        // --engine
	// DirGiven says --config-dir was on the command line.
	DirGiven bool
	// Warnings receives the compiler's warnings (default stderr).
	Warnings io.Writer
}

// NewConfig is the configuration of the flag defaults.
func NewConfig() *Config {
	dir := os.Getenv("PXACL_CONFIG_DIR")
	if dir == "" {
		dir = DefaultConfigDir
	}
	return &Config{Dir: dir, OutputFormat: report.Text, PVEVersion: "9", Engine: "auto"}
}

// Resolve checks --flavor and, for --flavor pve with no --config-dir and
// no $PXACL_CONFIG_DIR, points Dir at PVE's /etc/pve instead of PBS's
// directory. Commands call it once the flags are parsed.
func (c *Config) Resolve() error {
	if c.Flavor != "" {
		f, err := config.ParseFlavor(c.Flavor.String())
		if err != nil {
			return err
		}
		c.Flavor = f
	}
	if c.Flavor == config.PVE && !c.DirGiven && os.Getenv("PXACL_CONFIG_DIR") == "" && c.Dir == DefaultConfigDir {
		c.Dir = DefaultPVEConfigDir
	}
	return nil
}

// Text says the output format is text.
func (c *Config) Text() bool { return c.OutputFormat == report.Text }

// Evaluator loads the bundle file or compiles the configuration directory.
func (c *Config) Evaluator(ctx context.Context) (*evaluator.Evaluator, error) {
	engine, err := evaluator.ParseEngine(c.Engine)
	if err != nil {
		return nil, err
	}
	if c.BundleFile != "" {
		return evaluator.FromBundleFile(ctx, c.BundleFile, evaluator.WithEngine(engine))
	}
	doc, err := c.Compile()
	if err != nil {
		return nil, err
	}
	return evaluator.FromDocument(ctx, doc, evaluator.WithEngine(engine))
}

// Compile checks the flavor and compiles the configuration directory,
// printing what PVE would warn about (each ignored line with file:line)
// on Warnings.
func (c *Config) Compile() (*compiler.Document, error) {
	if err := c.CheckFlavor(); err != nil {
		return nil, err
	}
	doc, err := compiler.Compile(c.Dir, compiler.Options{Flavor: c.Flavor, PVEVersion: c.PVEVersion})
	if err != nil {
		return nil, err
	}
	w := c.Warnings
	if w == nil {
		w = os.Stderr
	}
	for _, warning := range doc.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	return doc, nil
}

// CheckFlavor fails when the configuration directory is missing or
// empty, or of a flavor pxacl does not support.
func (c *Config) CheckFlavor() error {
	flavor, err := config.DetectFlavor(c.Dir, c.Flavor)
	if err != nil {
		return err
	}
	if flavor != config.PBS && flavor != config.PVE {
		return fmt.Errorf("%s: the %s flavor is not supported", c.Dir, flavor)
	}
	return nil
}

// Detected is the flavor of the configuration ("pbs" when it cannot be
// told, e.g. with --bundle).
func (c *Config) Detected() config.Flavor {
	if c.BundleFile != "" {
		if c.Flavor == "" {
			return config.PBS
		}
		return c.Flavor
	}
	f, err := config.DetectFlavor(c.Dir, c.Flavor)
	if err != nil {
		return config.PBS
	}
	return f
}

// Catalog is the privilege catalog of the detected flavor and
// --pve-version.
func (c *Config) Catalog() *catalog.Catalog { return CatalogFor(c.Detected(), c.PVEVersion) }

// CatalogFor is the privilege catalog of flavor and pveVersion
// (catalog.For). An unknown --pve-version is reported when the
// configuration is compiled; until then the flavor's current catalog
// answers (PBS's for anything not PVE).
func CatalogFor(flavor config.Flavor, pveVersion string) *catalog.Catalog {
	if c, err := catalog.For(flavor, pveVersion); err == nil {
		return c
	}
	if flavor == config.PVE {
		return catalog.MustFor(config.PVE, "")
	}
	return catalog.MustFor(config.PBS, "")
}

// ParseAuthID validates an auth id argument: a PBS user or token id, or
// a PVE userid or token id.
func ParseAuthID(s string, flavor config.Flavor) (string, error) {
	if flavor == config.PVE {
		if err := pveid.CheckAuthID(s); err != nil {
			return "", err
		}
		return s, nil
	}
	a, err := authid.ParseAny(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// UnknownPrivilege is the error for a privilege the catalog lacks.
func UnknownPrivilege(p string) error {
	return fmt.Errorf("unknown privilege %s", safetext.Quote(p))
}
