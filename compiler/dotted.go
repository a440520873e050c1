// Nodes with a "." or ".." component.

package compiler

import (
	"fmt"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/internal/safetext"
)

// leftOutDotted reports whether path has a "." or ".." component, and then
// records a warning: no query reaches such a node, as such a path and every
// path below it deny (docs/semantics.md §3.3), so its entries are left out
// of the document. That lets the fast rules of policies/fast_pbs.rego take any
// node as a normalised, undotted path.
func leftOutDotted(d *Document, path string) bool {
	if !aclpath.Dotted(path) {
		return false
	}
	d.Warnings = append(d.Warnings, fmt.Sprintf("%s: path %s has a '.' or '..' component: no query reaches its entries, they are left out", d.Meta.ACLFile, safetext.Value(path)))
	return true
}
