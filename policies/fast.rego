# Fast paths of data.pxacl.allow for stock OPA (sidecars, opa eval): the
# usual question, one privilege for an account that never expires, on an
# ACL node or one level below one, decided in a few store lookups without
# calling a function. Each rule below is the first step of the walk of
# pxacl.rego (own_privileges: the leaf at the target, else the inherit set
# of the deepest strict ancestor) taken where that step alone decides:
# when it succeeds the general rules give true as well, and when it does
# not, the general rules decide. It never denies anything itself.
# Measurements: docs/benchmarks.md, "Stock OPA: data layout for sidecars".
# These rules stay in package pxacl, evaluated before public.rego's
# (modules are taken in name order) that delegates to the general rules,
# lib.allow; their helpers are in package pxacl.lib.
package pxacl

import data.pxacl.lib

# A user with an entry on the target (a node: normalised already).
allow if {
	[p] := input.privileges
	user := data.pxacl.users[input.auth_id]
	user.expire == 0
	user.enable != false
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
	not lib.dotted_path
	not lib.pve
}

# A token and its owner with entries on the target.
allow if {
	[p] := input.privileges
	tok := data.pxacl.tokens[input.auth_id]
	tok.expire == 0
	tok.enable != false
	user := data.pxacl.users[tok.owner]
	user.expire == 0
	user.enable != false
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
	data.pxacl.privsets[data.pxacl.acl[input.path][tok.owner]][p] != null
	not lib.dotted_path
	not lib.pve
}

# A user without an entry on the (normalised) target, with a propagating
# entry on its parent: the parent is the deepest strict ancestor.
allow if {
	[p] := input.privileges
	user := data.pxacl.users[input.auth_id]
	user.expire == 0
	user.enable != false
	not data.pxacl.acl[input.path][input.auth_id]
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[lib.parent_path][input.auth_id]].inherit][p] != null
	not lib.pve
}

# A token and its owner without entries on the target, with propagating
# entries on its parent.
allow if {
	[p] := input.privileges
	tok := data.pxacl.tokens[input.auth_id]
	tok.expire == 0
	tok.enable != false
	user := data.pxacl.users[tok.owner]
	user.expire == 0
	user.enable != false
	not data.pxacl.acl[input.path][input.auth_id]
	not data.pxacl.acl[input.path][tok.owner]
	parent := lib.parent_path
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[parent][input.auth_id]].inherit][p] != null
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[parent][tok.owner]].inherit][p] != null
	not lib.pve
}
