// Package pveexpr checks Proxmox VE API permission-check expressions
// (docs/semantics.md, "Permission-check expressions") before they are
// evaluated: the shape of each test, the privilege names against the
// selected PVE catalog, and that every {param} of a path template is given.
// Evaluation itself is the Rego's (policies/pve_expr.rego); a malformed
// expression must be refused up front instead of quietly evaluating to
// "denied" or, for root@pam, "allowed".
package pveexpr

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pxacl/pxacl/internal/safetext"
)

// MaxDepth is how deeply "and" and "or" may nest; the Rego unrolls three
// levels (PVE's own API nests two).
const MaxDepth = 3

// Privileges tells whether a name is a privilege of the selected catalog.
type Privileges interface {
	IsPrivilege(string) bool
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// Validate returns an error describing the first problem in expr, a JSON
// value as decoded by encoding/json; params are the request parameters.
func Validate(expr any, params map[string]any, privs Privileges) error {
	return (&checker{params: params, privs: privs}).node(expr, "expression", 0)
}

type checker struct {
	params map[string]any
	privs  Privileges
}

func (c *checker) node(e any, where string, depth int) error {
	arr, ok := e.([]any)
	if !ok || len(arr) == 0 {
		return fmt.Errorf("%s: want a non-empty JSON array such as [\"perm\", \"/\", [\"Sys.Audit\"]]", where)
	}
	op, ok := arr[0].(string)
	if !ok {
		return fmt.Errorf("%s: the first element must be the name of a test (and, or, perm, perm-modify, userid-group, userid-param)", where)
	}
	where = fmt.Sprintf("%s %q", where, safetext.Value(op))
	switch op {
	case "and", "or":
		if depth >= MaxDepth {
			return fmt.Errorf("%s: and/or nested deeper than %d levels", where, MaxDepth)
		}
		if len(arr) < 2 {
			return fmt.Errorf("%s: needs at least one sub-test", where)
		}
		for i, sub := range arr[1:] {
			if err := c.node(sub, fmt.Sprintf("%s, sub-test %d", where, i+1), depth+1); err != nil {
				return err
			}
		}
		return nil
	case "perm":
		if len(arr) < 3 {
			return fmt.Errorf("%s: want [\"perm\", PATH, [PRIVILEGES], OPTIONS...]", where)
		}
		required, err := c.permOptions(arr[3:], where)
		if err != nil {
			return err
		}
		if err := c.privList(arr[2], where); err != nil {
			return err
		}
		return c.path(arr[1], where, required)
	case "perm-modify":
		if len(arr) != 2 {
			return fmt.Errorf("%s: want [\"perm-modify\", PATH]", where)
		}
		return c.path(arr[1], where, "")
	case "userid-group":
		if len(arr) != 2 && len(arr) != 4 {
			return fmt.Errorf("%s: want [\"userid-group\", [PRIVILEGES]] or with \"groups_param\", \"create\"|\"update\"", where)
		}
		if err := c.privList(arr[1], where); err != nil {
			return err
		}
		if len(arr) == 4 {
			if k, _ := arr[2].(string); k != "groups_param" {
				return fmt.Errorf("%s: unknown option %s (want groups_param)", where, show(arr[2]))
			}
			if v, _ := arr[3].(string); v != "create" && v != "update" {
				return fmt.Errorf("%s: groups_param must be \"create\" or \"update\", not %s", where, show(arr[3]))
			}
		}
		return c.param("userid", where)
	case "userid-param":
		if len(arr) != 2 {
			return fmt.Errorf("%s: want [\"userid-param\", \"self\"] or [\"userid-param\", \"Realm.AllocateUser\"]", where)
		}
		if v, _ := arr[1].(string); v != "self" && v != "Realm.AllocateUser" {
			return fmt.Errorf("%s: want \"self\" or \"Realm.AllocateUser\", not %s", where, show(arr[1]))
		}
		return c.param("userid", where)
	}
	return fmt.Errorf("%s: unknown permission test (want and, or, perm, perm-modify, userid-group or userid-param)", where)
}

// path checks a path template and that each {name} in it is a parameter,
// except the one a require_param option names: testing its absence is the
// point of that option (the test fails without it, §4).
func (c *checker) path(v any, where, required string) error {
	p, ok := v.(string)
	if !ok || !strings.HasPrefix(p, "/") {
		return fmt.Errorf("%s: the path must be a string starting with /, not %s", where, show(v))
	}
	for _, m := range placeholder.FindAllStringSubmatch(p, -1) {
		if m[1] == required {
			continue
		}
		if err := c.param(m[1], where+" path "+safetext.Quote(p)); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) param(name, where string) error {
	if _, ok := c.params[name]; !ok {
		return fmt.Errorf("%s: parameter %s is not given (--param %s=VALUE)", where, safetext.Quote(name), safetext.Value(name))
	}
	return nil
}

func (c *checker) privList(v any, where string) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("%s: want a non-empty list of privileges, not %s", where, show(v))
	}
	for _, x := range list {
		name, ok := x.(string)
		if !ok || !c.privs.IsPrivilege(name) {
			return fmt.Errorf("%s: unknown privilege %s", where, show(x))
		}
	}
	return nil
}

// permOptions checks "perm"'s trailing key/value options, any => 1 and
// require_param => NAME, and returns the required parameter's name.
func (c *checker) permOptions(opts []any, where string) (required string, err error) {
	if len(opts)%2 != 0 {
		return "", fmt.Errorf("%s: options come in pairs (any, 1 or require_param, NAME)", where)
	}
	for i := 0; i < len(opts); i += 2 {
		switch k, _ := opts[i].(string); k {
		case "any":
		case "require_param":
			name, ok := opts[i+1].(string)
			if !ok {
				return "", fmt.Errorf("%s: require_param wants a parameter name, not %s", where, show(opts[i+1]))
			}
			required = name
		default:
			return "", fmt.Errorf("%s: unknown option %s (want any or require_param)", where, show(opts[i]))
		}
	}
	return required, nil
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return safetext.Quote(s)
	}
	return safetext.Value(fmt.Sprintf("%v", v))
}
