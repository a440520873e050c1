package evaluator

import "context"

// ListOptions choose the paths ListPermissions covers.
type ListOptions struct {
	// Path, when OnePath, is the only path listed.
	Path    string
	OnePath bool
	// Defaults are listed besides every ACL node (and, for PVE, every
	// pool member path): the flavor's default permission paths.
	Defaults []string
	// PVE lists as PVE's API does: an explicit path is listed even when
	// it grants nothing, and every intermediate node is listed.
	PVE bool
}

// ListPermissions is `user permissions`: the effective privileges of
// authID on each path of o, path -> privilege -> propagate. Without
// OnePath it lists the ACL nodes, the defaults, and the nodes without
// entries where they grant something (PBS) or all of them (PVE); paths
// without privileges are left out, except an explicit PVE path.
func (e *Evaluator) ListPermissions(ctx context.Context, authID string, o ListOptions) (map[string]map[string]bool, error) {
	paths := []string{o.Path}
	if !o.OnePath {
		defaults := o.Defaults
		if o.PVE {
			defaults = append(append([]string(nil), defaults...), e.PoolMembers()...)
		}
		paths = append(append([]string(nil), e.Nodes()...), defaults...)
		// the nodes without entries too, but only where they have
		// privileges: a group of them decides alike on PBS, so one
		// decision skips a deep path's thousands
		for _, g := range e.Intermediate() {
			if !o.PVE {
				privs, err := e.Permissions(ctx, authID, g.Sample)
				if err != nil {
					return nil, err
				}
				if len(privs) == 0 {
					continue
				}
			}
			paths = append(paths, g.Paths()...)
		}
	}
	out := map[string]map[string]bool{}
	for _, p := range paths {
		if _, done := out[p]; done {
			continue
		}
		privs, err := e.Permissions(ctx, authID, p)
		if err != nil {
			return nil, err
		}
		// PBS lists only paths with privileges; PVE's API answers a
		// path with {path: permissions} even when empty
		if len(privs) > 0 || (o.PVE && o.OnePath) {
			out[p] = privs
		}
	}
	return out, nil
}
