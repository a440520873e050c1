# Fast paths of data.pxacl.allow for stock OPA (sidecars, opa eval): the
# usual question, one privilege for an account that never expires, on an
# ACL node or one level below one, decided in a few store lookups without
# calling a function. Each rule below is the first step of the walk of
# pxacl.rego (own_privileges: the leaf at the target, else the inherit set
# of the deepest strict ancestor) taken where that step alone decides:
# when it succeeds the general rules give true as well, and when it does
# not, the general rules decide. It never denies anything itself.
# Measurements: docs/benchmarks.md, "Stock OPA: data layout for sidecars".
package pxacl

# A user with an entry on the target (a node: normalised already).
allow if {
	[p] := input.privileges
	user := data.pxacl.users[input.auth_id]
	user.expire == 0
	user.enable != false
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
	not dotted_path
	not pve
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
	not dotted_path
	not pve
}

# A user without an entry on the (normalised) target, with a propagating
# entry on its parent: the parent is the deepest strict ancestor.
allow if {
	[p] := input.privileges
	user := data.pxacl.users[input.auth_id]
	user.expire == 0
	user.enable != false
	not data.pxacl.acl[input.path][input.auth_id]
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[parent_path][input.auth_id]].inherit][p] != null
	not pve
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
	parent := parent_path
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[parent][input.auth_id]].inherit][p] != null
	data.pxacl.privsets[data.pxacl.kinds[data.pxacl.acl[parent][tok.owner]].inherit][p] != null
	not pve
}

# parent_path is the parent of input.path when input.path is normalised,
# not dotted and at least two components deep ("/a/b" -> "/a")
parent_path := substring(input.path, 0, max(indexof_n(input.path, "/"))) if {
	regex.match(`^/[^/]+(/[^/]+)+$`, input.path)
	not dotted_path
}
