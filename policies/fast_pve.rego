# Fast paths of data.pxacl.allow on a PVE document for stock OPA (sidecars,
# opa eval), as fast_pbs.rego's for PBS: one privilege for an always-active
# user or privilege-separated token, decided in a few store lookups where
# the first step of the walk of pve.rego decides (docs/semantics.md pve
# §3.1, §3.2). When a rule succeeds the general rules give true as well;
# when none does, the general rules decide. They never deny anything.
#
# What they rest on (compiler/steady.go, compiler/pools.go):
# - users[id].pve_steady and tokens[id].pve_steady are set only on an
#   account that is always active (a token: privilege-separated, with such
#   an owner) and that no NoAccess reaches through its own entries on pool
#   paths or through a propagating entry of its own or of its groups at the
#   root or a top-level path. A token's names its owner.
# - users[id].pve_group is the only group of such a user, "" for none;
#   absent for a user in several groups, who is left to the general rules.
# - pool_path[member] is the pool path of a /vms/<id> or /storage/<id> in
#   exactly one pool, with no NoAccess entry of anyone on the member;
#   pool_noaccess_groups[pool path] the groups whose NoAccess reaches that
#   pool path from below the top level.
# - privsets[key] and inherits[key] are absent for a kind with NoAccess.
#
# At a level, the subject's own entry decides before any group's (§3.1).
# Outside pools (no pool_of), an own entry on the target decides, or, with
# no entry of anyone on the target, an own propagating one on its parent.
# On a pool member, its pool's roles are added unless NoAccess is among
# them or among the member's own (§3.2 step 3); with the facts above,
# NoAccess can reach neither for the account, so an own entry on the
# target or on the pool, or the sole group's entry on the pool (with no
# own entry there), grants what it holds. When that group's entry grants,
# it decides the pool's roles, and it has no NoAccess (its kind has a
# privsets alias): no pool_noaccess_groups check is needed then. The
# order of the rules is the measured one (docs/benchmarks.md).
package pxacl

# A token and its owner one level below a node, in no pool.
# The parent's pattern is fast_pbs.rego's (policies_test.go checks it).
allow if {
	not data.pxacl.acl[input.path]
	not data.pxacl.group_acl[input.path]
	owner := data.pxacl.tokens[input.auth_id].pve_steady
	not data.pxacl.pool_of[input.path]
	[p] := input.privileges
	parent := regex.replace(input.path, `/(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*$`, "")
	data.pxacl.inherits[data.pxacl.acl[parent][input.auth_id]][p]
	data.pxacl.inherits[data.pxacl.acl[parent][owner]][p]
}

# A token on a pool member, through its own entry on the member or on the
# pool, and its owner through its sole group's entry on the pool.
allow if {
	pp := data.pxacl.pool_path[input.path]
	owner := data.pxacl.tokens[input.auth_id].pve_steady
	[p] := input.privileges
	g := data.pxacl.users[owner].pve_group
	data.pxacl.privsets[data.pxacl.group_acl[pp][g]][p] != null
	not data.pxacl.acl[pp][owner]
	some x in [input.path, pp]
	data.pxacl.privsets[data.pxacl.acl[x][input.auth_id]][p] != null
}

# A token on a pool member, its owner through its own entry on the member
# or on the pool.
allow if {
	pp := data.pxacl.pool_path[input.path]
	owner := data.pxacl.tokens[input.auth_id].pve_steady
	[p] := input.privileges
	some y in [input.path, pp]
	data.pxacl.privsets[data.pxacl.acl[y][owner]][p] != null
	g := data.pxacl.users[owner].pve_group
	not data.pxacl.pool_noaccess_groups[pp][g]
	some x in [input.path, pp]
	data.pxacl.privsets[data.pxacl.acl[x][input.auth_id]][p] != null
}

# A token and its owner with entries on the target, in no pool.
allow if {
	owner := data.pxacl.tokens[input.auth_id].pve_steady
	not data.pxacl.pool_of[input.path]
	[p] := input.privileges
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
	data.pxacl.privsets[data.pxacl.acl[input.path][owner]][p] != null
}

# A user one level below a node, in no pool.
allow if {
	not data.pxacl.acl[input.path]
	not data.pxacl.group_acl[input.path]
	data.pxacl.users[input.auth_id].pve_steady
	not data.pxacl.pool_of[input.path]
	[p] := input.privileges
	parent := regex.replace(input.path, `/(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*$`, "")
	data.pxacl.inherits[data.pxacl.acl[parent][input.auth_id]][p]
}

# A user on a pool member through its sole group's entry on the pool.
allow if {
	pp := data.pxacl.pool_path[input.path]
	g := data.pxacl.users[input.auth_id].pve_group
	[p] := input.privileges
	data.pxacl.privsets[data.pxacl.group_acl[pp][g]][p] != null
	not data.pxacl.acl[pp][input.auth_id]
}

# A user on a pool member through its own entry on the member or the pool.
allow if {
	pp := data.pxacl.pool_path[input.path]
	g := data.pxacl.users[input.auth_id].pve_group
	[p] := input.privileges
	some x in [input.path, pp]
	data.pxacl.privsets[data.pxacl.acl[x][input.auth_id]][p] != null
	not data.pxacl.pool_noaccess_groups[pp][g]
}

# A user with an entry on the target, in no pool.
allow if {
	data.pxacl.users[input.auth_id].pve_steady
	not data.pxacl.pool_of[input.path]
	[p] := input.privileges
	data.pxacl.privsets[data.pxacl.acl[input.path][input.auth_id]][p] != null
}
