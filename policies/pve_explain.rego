# PVE's explain rules (docs/semantics.md pve §3): the parts of data.pxacl.explain
#   (explain.rego) that differ on a PVE document: every entry of the subject
#   and its groups on the path, which level and class decided, the pools of
#   the target, privilege separation and its clamp.
package pxacl.lib

# privsep_or_null: a PVE token's privilege separation flag (pve §3.2)
privsep_or_null := token.privsep if pve

# ---------------------------------------------------------------------------
# The subject's report: every entry of the subject and its groups on the
# path, which level and class decided, and the pools
# ---------------------------------------------------------------------------

acl_report := pve_subject_report(auth_id) if {
	pve
	auth_id != data.pxacl.meta.superuser
}

acl_report := {"subject": auth_id, "superuser": true, "entries": [], "decided_at": null, "privileges": all_privileges} if {
	pve
	auth_id == data.pxacl.meta.superuser
}

owner_report := {"superuser": true, "subject": owner, "entries": [], "decided_at": null, "privileges": all_privileges} if {
	pve
	is_token
	owner == data.pxacl.meta.superuser
}

owner_report := pve_subject_report(owner) if {
	pve
	is_token
	owner != data.pxacl.meta.superuser
}

clamped := sort([p |
	some p, _ in pve_compiled(auth_id)
	lacks(permissions, p)
]) if {
	pve
	token.privsep == true
}

pve_subject_report(s) := {
	"subject": s,
	"entries": array.concat(pve_path_entries(s), pve_pool_entries(s)),
	"decided_at": pve_roles(s, target).at,
	"privileges": pve_compiled(s),
}

pve_path_entries(s) := [x |
	levels := pve_levels(target)
	decider := pve_roles(s, target)
	some i, k in levels
	some y in pve_candidates(s, k)
	x := {
		"path": k,
		"via": y.via,
		"roles": [pve_role_report(y.entry, r) | some r in sort(object.keys(y.entry.roles))],
		"status": pve_status(y, i, count(levels) - 1, decider),
	}
]

pve_candidates(s, k) := array.concat(
	[{"via": pve_own_via(s), "entry": e} | e := data.pxacl.kinds[data.pxacl.acl[k][s]]],
	[{"via": concat("", ["group @", g]), "entry": e} |
		some g, _ in data.pxacl.user_groups[s]
		e := data.pxacl.kinds[data.pxacl.group_acl[k][g]]
	],
)

pve_role_report(e, role) := {
	"role": role,
	"propagate": e.roles[role],
}

pve_status(y, i, last, decider) := "not propagated" if {
	i < last
	not y.entry.inherit
} else := "decides" if {
	i == decider.level
	some d in decider.entries
	d.via == y.via
} else := "overridden: user/token entries win over group entries at one level (docs/semantics.md pve §3.1)" if {
	i == decider.level
} else := "replaced"

pve_pool_entries(s) := [x |
	some pool in data.pxacl.pool_of[input.path]
	r := pve_roles(s, concat("", ["/pool/", pool]))
	some d in r.entries
	x := {
		"path": r.at,
		"via": pve_pool_via(pool, d.via),
		"roles": [pve_role_report(d.entry, role) | some role in sort(object.keys(d.entry.roles))],
		"status": pve_pool_status(r),
	}
]

# pve_pool_via(pool, via): how an entry on /pool/<pool> reaches the member:
# "pool P" for the subject's own entry, "pool P, group @g" for a group's
pve_pool_via(pool, via) := concat("", ["pool ", pool, ", ", via]) if {
	startswith(via, "group ")
} else := concat("", ["pool ", pool])

pve_pool_status(r) := "pool NoAccess: no privileges on the member (docs/semantics.md pve §3.2)" if r.noaccess

else := "pool roles added to the member, not propagated (docs/semantics.md pve §3.2)"

# ---------------------------------------------------------------------------
# Grants (explain.rego's grants): the roles that give each privilege
# ---------------------------------------------------------------------------

# grant_subjects (PVE): a user (not the superuser, a source of its own); a
# privilege-separated token and its owner; for a token without privilege
# separation its owner alone (its own ACL is ignored, §3.2)
grant_subjects contains auth_id if {
	pve
	not is_token
	auth_id != data.pxacl.meta.superuser
}

grant_subjects contains auth_id if {
	pve
	token.privsep == true
}

grant_subjects contains owner if {
	pve
	is_boolean(token.privsep)
	owner != data.pxacl.meta.superuser
}

# grant_roles (PVE): the applicable roles of the entries at the level that
# decided for each subject (its own, or its groups'), and those of the
# levels that decided on the target's pools
grant_roles contains x if {
	pve
	some s in grant_subjects
	some x in pve_grant_roles(s, target, "")
}

grant_roles contains x if {
	pve
	some s in grant_subjects
	regular := {[y.path, y.role] | some y in pve_grant_roles(s, target, "")}
	some pool in data.pxacl.pool_of[input.path]
	some x in pve_grant_roles(s, concat("", ["/pool/", pool]), concat("", ["pool ", pool, ", "]))
	not [x.path, x.role] in regular # an entry above both: named once
}

# pve_grant_roles(s, path, prefix): the applicable roles of the level that
# decides for s on path, each named with how s holds it (prefix + via)
pve_grant_roles(s, path, prefix) := {x |
	r := pve_roles(s, path)
	some d in r.entries
	some role, prop in d.entry.roles
	applies(prop, r.at == path)
	x := {
		"subject": s, "path": r.at, "via": concat("", [prefix, d.via]), "role": role,
	}
}
