package pbs

import (
	"github.com/pxacl/pxacl/catalog"

	"github.com/pxacl/pxacl/config"
)

var pbsCatalog = catalog.MustFor(config.PBS, "")

// IsBuiltinRole reports whether name is a built-in role of the current PBS
// catalog (§1.2). It is the default role check of ParseACLCfg and Load.
func IsBuiltinRole(name string) bool { return pbsCatalog.IsRole(name) }
