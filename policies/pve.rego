# Proxmox VE access control (docs/semantics.md pve §3), active when the data
#   document was compiled from a PVE user.cfg (data.pxacl.meta.flavor
#   "pve"). data.pxacl.acl[path][id] holds user and token entries,
#   data.pxacl.group_acl[path][group] group entries, each the key of its
#   kind: data.pxacl.kinds[key] has the leaf and inherit privilege sets and
#   NoAccess flags; data.pxacl.user_groups[user]
#   the user's groups and data.pxacl.pool_of[path] the pools of a VM or
#   storage path. A decision costs one lookup per path level, per group of
#   the user and per pool of the target.
package pxacl.lib

# pve: the document is a PVE one
pve if data.pxacl.meta.flavor == "pve"

# allow (§3.3): the user, or the token and its owner, are active, and the
# privileges are held
allow if {
	pve
	target
	active
	held(permissions)
}

# ---------------------------------------------------------------------------
# permissions() (§3.2)
# ---------------------------------------------------------------------------

# root@pam holds every privilege, regardless of ACLs
effective := all_privileges if {
	pve
	target
	input.path != "" # permissions(authid, '') is {} (§3.1)
	auth_id == data.pxacl.meta.superuser
}

# a user (existing or not) with a valid userid
effective := pve_compiled(auth_id) if {
	pve
	target
	input.path != ""
	not is_token
	auth_id != data.pxacl.meta.superuser
	pve_valid_userid(auth_id)
}

# a token without privilege separation: its owner's privileges
effective := pve_user_permissions(token.owner) if {
	pve
	target
	input.path != ""
	token.privsep == false
}

# a privilege-separated token: its own ACL's privileges intersected with its
# owner's (pools included), propagate flags ANDed
effective := {p: prop |
	some p, own in pve_compiled(auth_id)
	owner_prop := owner_privs[p]
	prop := {own, owner_prop} == {true}
} if {
	pve
	target
	input.path != ""
	token.privsep == true
	owner_privs := pve_user_permissions(token.owner)
}

# pve_valid_userid: verify_username (§1.2), as package pveid checks it:
# 3..64 bytes (not characters: PVE's Perl regexes see bytes), and Perl's
# \s, which unlike RE2's includes the vertical tab \x0B
pve_valid_userid(u) if {
	pve_byte_length(u) >= 3
	pve_byte_length(u) <= 64
	regex.match(`^[^\t\n\x0B\f\r :/]+@[A-Za-z][A-Za-z0-9.\-_]+$`, u)
}

# pve_byte_length is the length of s in UTF-8 bytes
pve_byte_length(s) := count(hex.encode(s)) / 2

pve_user_permissions(u) := all_privileges if {
	u == data.pxacl.meta.superuser
} else := pve_compiled(u)

# pve_compiled(s): $compile_acl_path: the ACL roles of s on the target,
# with the pool roles of the target's pools added (never propagating);
# NoAccess on the ACL roles wins, else NoAccess among the pool roles
pve_compiled(s) := pve_combine(pve_roles(s, target), pve_pool(s))

pve_combine(regular, pool) := {} if {
	regular.noaccess
} else := {} if {
	pool.noaccess
} else := object.union({p: false | some p, _ in pool.privs}, regular.privs)

# pve_pool(s): the union of roles(s, /pool/P) over the pools P of the
# target (exact path lookup, §3.2 step 1)
pve_pool(s) := {"privs": privs, "noaccess": noaccess} if {
	rs := [r |
		some pool in data.pxacl.pool_of[input.path]
		r := pve_roles(s, concat("", ["/pool/", pool]))
	]
	privs := {p: true | some r in rs; some p, _ in r.privs}
	noaccess := count([1 | some r in rs; r.noaccess]) > 0
} else := {"privs": {}, "noaccess": false}

# ---------------------------------------------------------------------------
# roles() (§3.1)
# ---------------------------------------------------------------------------

# pve_levels(path): the levels to walk, root first: the ancestors of the
# normalised path that may carry entries, then the path itself
pve_levels(path) := array.concat(entry_ancestors(path), [path])

# pve_roles(s, path): the level that decides for s on path: the deepest
# level with an applicable entry; it replaces everything above.
# {"privs", "noaccess", "at", "level", "entries"}
pve_roles(s, path) := rs[count(rs) - 1] if {
	levels := pve_levels(path)
	last := count(levels) - 1
	rs := [r |
		some i, k in levels
		r := object.union(pve_level(s, k, i == last), {"at": k, "level": i})
	]
	count(rs) > 0
} else := {"privs": {}, "noaccess": false, "at": null, "level": -1, "entries": []}

# pve_level(s, k, final): at one level, the entries of s itself (token or
# user; applicable if final or propagating), else the union of the
# applicable entries of s's groups
pve_level(s, k, final) := r if {
	e := data.pxacl.kinds[data.pxacl.acl[k][s]]
	v := pve_view(e, final)
	r := object.union(v, {"entries": [{"via": pve_own_via(s), "entry": e}]})
} else := r if {
	es := [{"via": concat("", ["group @", g]), "entry": e} |
		some g, _ in data.pxacl.user_groups[s]
		e := data.pxacl.kinds[data.pxacl.group_acl[k][g]]
		pve_view(e, final)
	]
	count(es) > 0
	views := [pve_view(x.entry, final) | some x in es]
	privs := {p: f |
		some v in views
		some p, _ in v.privs
		f := count([1 | some w in views; w.privs[p] == true]) > 0
	}
	noaccess := count([1 | some v in views; v.noaccess]) > 0
	r := {"privs": privs, "noaccess": noaccess, "entries": es}
}

pve_own_via(s) := "token" if contains(s, "!")

else := "user"

# pve_view(e, final): the privileges an entry gives at the target (all
# roles) or below it (propagating roles only), and whether NoAccess is
# among those roles
pve_view(e, true) := {"privs": data.pxacl.privsets[e.leaf], "noaccess": object.get(e, "noaccess", false)}

pve_view(e, false) := {"privs": data.pxacl.privsets[e.inherit], "noaccess": object.get(e, "noaccess_inherit", false)}
