package cmdutil

import (
	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/evaluator"
)

// Query validates the arguments AUTHID PATH PRIV... of check and explain
// against the flavor and catalog of c.
func (c *Config) Query(authID, path string, privs []string, partial bool, now int64) (evaluator.Query, error) {
	flavor := c.Detected()
	id, err := ParseAuthID(authID, flavor)
	if err != nil {
		return evaluator.Query{}, err
	}
	if err := aclpath.Query(flavor, path); err != nil {
		return evaluator.Query{}, err
	}
	cat := CatalogFor(flavor, c.PVEVersion)
	for _, p := range privs {
		if !cat.IsPrivilege(p) {
			return evaluator.Query{}, UnknownPrivilege(p)
		}
	}
	return evaluator.Query{AuthID: id, Path: path, Privileges: privs, Partial: partial, Clock: now}, nil
}
