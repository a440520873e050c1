package compiler

// AllSet is the privsets key of every privilege of the catalog, each
// propagating: what the superuser holds everywhere (§3.4). The Rego's hot
// path (data.pxacl.allow) asks one question of the form
// privsets[key][privilege] for each subject, the superuser included, so
// that a decision reads single booleans from the store instead of whole
// privilege maps (docs/benchmarks.md, "Stock OPA: data layout for
// sidecars"). Interned keys start with "s", so it cannot collide.
const AllSet = "all"

// addLookupSets adds the sets the Rego's hot path looks up besides the
// entries' own: AllSet. Pure data, the size of the catalog.
func addLookupSets(d *Document) {
	all := make(map[string]bool, len(d.Privileges))
	for p := range d.Privileges {
		all[p] = true
	}
	d.PrivSets[AllSet] = all
}
