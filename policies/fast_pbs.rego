# Fast paths of data.pxacl.allow on a PBS document for stock OPA (sidecars,
# opa eval): the usual question, one privilege for an account that is always active, on an
# ACL node or one level below one, decided in a few store lookups without
# calling a function. Each rule below is the first step of the walk of
# pxacl.rego (own_privileges: the leaf at the target, else the inherit set
# of the deepest strict ancestor) taken where that step alone decides:
# when it succeeds the general rules give true as well, and when it does
# not, the general rules decide. It never denies anything itself.
#
# They rest on three facts of the PBS document (compiler/kinds.go,
# compiler/document.go): data.pxacl.acl[path][id] is the key of the
# entry's kind, data.pxacl.privsets[key] its leaf set and
# data.pxacl.inherits[key] its inherit set; a node is a
# normalised path with no "." or ".." component; and
# data.pxacl.tokens[id].steady (users[id].steady) is set only on an
# account that is enabled and never expires, with, for a token, an owner
# that is too, and names the user whose ACL the token is clamped to (for a
# user, itself). A PVE document has "pve_steady" instead, read by the
# rules of fast_pve.rego, so these never apply to it. Measurements:
# docs/benchmarks.md, "Stock OPA: data layout for sidecars".
#
# These rules stay in package pxacl, evaluated before public.rego's
# (modules are taken in name order) that delegates to the general rules,
# lib.allow. A bundle carries the fast rules of its flavor only
# (policies.ForFlavor): the other flavor's would only fail, at a cost.
package pxacl

# A token and its owner with propagating entries on the parent of a target
# that is no node: the parent is the deepest strict ancestor of both with
# entries (§3.2). Tried first: its first lookup fails at once on a node.
# An inherit set's flags are all true (§3.3: inherited roles propagate), so
# the lookup itself is the test; a leaf set's may be false, hence "!= null"
# in the node rules.
# The parent is the target without its last component when that is a name
# (not empty, "." or ".."); the pattern is written out here and in the
# user's rule below, as a call to a rule of pxacl.lib costs 2 µs more
# (docs/benchmarks.md; policies_test.go checks that all four are the same).
allow if {
	not data.pxacl.acl[input.path]
	owner := data.pxacl.tokens[input.auth_id].steady
	[p] := input.privileges
	parent := regex.replace(input.path, `/(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*$`, "")
	data.pxacl.inherits[data.pxacl.acl[parent][input.auth_id]][p]
	data.pxacl.inherits[data.pxacl.acl[parent][owner]][p]
}

# A token and its owner with entries on the target, a node (§4.1, §3.3).
allow if {
	owner := data.pxacl.tokens[input.auth_id].steady
	[p] := input.privileges
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
	data.pxacl.privsets[data.pxacl.acl[input.path][owner]][p] != null
}

# A user with a propagating entry on the parent of a target that is no node.
allow if {
	not data.pxacl.acl[input.path]
	data.pxacl.users[input.auth_id].steady
	[p] := input.privileges
	parent := regex.replace(input.path, `/(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*$`, "")
	data.pxacl.inherits[data.pxacl.acl[parent][input.auth_id]][p]
}

# A user with an entry on the target, a node.
allow if {
	data.pxacl.users[input.auth_id].steady
	[p] := input.privileges
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
}
