# The rules behind data.pxacl.explain (public.rego): a structured account
# of the decision for the input of allow (PBS; pve_explain.rego adds the
# parts that differ on a PVE document).
package pxacl.lib

# explain: data.pxacl.explain (public.rego)
explain := {
	"allowed": allow,
	"input_ok": input_ok,
	"path_problem": path_problem,
	"auth_id": object.get(input, "auth_id", null),
	"path": target_or_null,
	"requested": requested_list,
	"partial": partial,
	"superuser": is_superuser,
	"token": is_token,
	"owner": owner_or_null,
	"active": active_report,
	"acl": acl_report,
	"owner_acl": owner_report,
	"clamped": clamped,
	"privileges": permissions,
	"missing": missing,
	"groups": group_entries,
	"flavor": data.pxacl.meta.flavor,
	"privsep": privsep_or_null,
	"tfa": tfa_report,
	"known": known,
	"listing": listing,
	"grants": grants,
}

default partial := false

partial := input.partial == true

default input_ok := false

input_ok if {
	auth_id
	target
	count(requested) > 0
	every p in requested {
		is_string(p)
	}
}

# path_problem: why the path cannot be decided on (it denies), else null
default path_problem := null

path_problem := "the path is empty; the root is \"/\"" if input.path == ""

path_problem := "the path has a \".\" or \"..\" component: no ACL path has one (docs/semantics.md §7, pve §6), and a caller resolving it later would read another path" if {
	input.path != ""
	dotted_path
}

default is_superuser := false

default is_token := false

default target_or_null := null

target_or_null := target

default requested_list := []

requested_list := sort(requested)

default owner_or_null := null

owner_or_null := owner if is_token

# privsep_or_null: a PVE token's privilege separation flag (pve_explain.rego)
default privsep_or_null := null

# ---------------------------------------------------------------------------
# Identity: a configured user or token (§4.2, §5.1)
# ---------------------------------------------------------------------------

# known: the auth id has a section in user.cfg: a user (root@pam always has
# one, the compiler adds it as Proxmox does) or a token. An unknown id is
# denied like an inactive one, and reported as "no such user" or "no such
# token" rather than as disabled or expired.
default known := false

known if data.pxacl.users[auth_id]

known if data.pxacl.tokens[auth_id]

# ---------------------------------------------------------------------------
# Activity, with the reasons for an inactive auth id (§4.2)
# ---------------------------------------------------------------------------

default active := false

active_report := {"active": active, "problems": activity_problems}

activity_problems contains sprintf("user %s does not exist in user.cfg", [owner]) if {
	not data.pxacl.users[owner]
}

activity_problems contains sprintf("token %s does not exist in user.cfg", [auth_id]) if {
	is_token
	not data.pxacl.tokens[auth_id]
}

activity_problems contains problem if {
	some [kind, id, account] in accounts
	problem := account_problem(kind, id, account)
}

accounts contains ["user", owner, data.pxacl.users[owner]]

accounts contains ["token", auth_id, data.pxacl.tokens[auth_id]] if is_token

account_problem(kind, id, account) := sprintf("%s %s is disabled (enable false, user.cfg:%d)", [kind, id, account.line]) if {
	account.enable == false
}

account_problem(kind, id, account) := sprintf("%s %s expired at %d (user.cfg:%d)", [kind, id, account.expire, account.line]) if {
	account.enable != false
	expired(account)
}

# ---------------------------------------------------------------------------
# ACL entries along the path (§3.3)
# ---------------------------------------------------------------------------

# node_keys are the paths from the root down to the target; depth is the
# target's index in it
node_keys := array.concat(ancestors, [target])

depth := count(ancestors)

# decisive_depth(s): the depth of the node whose entry decided for s
decisive_depth(s) := depth if {
	data.pxacl.acl[target][s]
} else := max({i |
	some i in numbers.range(0, depth - 1)
	data.pxacl.kinds[data.pxacl.acl[node_keys[i]][s]].inherit
}) if {
	depth > 0
}

# decided_at(s): the path of the deciding entry, null when s has none
decided_at(s) := node_keys[d] if {
	d := decisive_depth(s)
} else := null

# entry_role(e, role) describes one role of an entry
entry_role(e, role) := {
	"role": role,
	"propagate": e.roles[role],
}

# subject_report(s): every entry of s on the path, how it was used, and the
# resulting privileges of s alone
subject_report(s) := {
	"subject": s,
	"entries": [entry |
		some i, k in node_keys
		e := data.pxacl.kinds[data.pxacl.acl[k][s]]
		entry := {
			"path": k,
			"roles": [entry_role(e, r) | some r in sort(object.keys(e.roles))],
			"status": entry_status(s, i, e),
		}
	],
	"decided_at": decided_at(s),
	"privileges": own_privileges(s),
}

# entry_status: "decides" (the deepest applying entry), "replaced" (an
# applying entry above it), "not propagated" (propagate=0 above the target)
entry_status(s, i, _) := "decides" if i == decisive_depth(s)

else := "replaced" if i < decisive_depth(s)

else := "not propagated" if i < depth

else := "unused"

default acl_report := null

acl_report := subject_report(auth_id) if not pve

default owner_report := null

owner_report := {"superuser": true, "subject": owner} if {
	not pve
	is_token
	owner == data.pxacl.meta.superuser
}

owner_report := subject_report(owner) if {
	not pve
	is_token
	owner != data.pxacl.meta.superuser
}

# clamped: what the token's own ACL grants but its owner lacks (§4.1)
default clamped := []

clamped := sort([p |
	some p, _ in own_privileges(auth_id)
	lacks(user_privileges, p)
]) if {
	not pve
	is_token
}

# ---------------------------------------------------------------------------
# Grants: each effective privilege with the roles and lines that give it
# ---------------------------------------------------------------------------

# listing: no privilege was asked for (neither "privilege" nor a non-empty
# "privileges"): explain then lists the effective privileges and what
# grants them, instead of deciding (allow stays false)
default listing := false

listing if {
	auth_id
	target
	object.get(input, "privilege", null) == null
	object.get(input, "privileges", []) == []
}

# grants: every effective privilege (sorted), its propagate flag and its
# sources: the roles of the deciding entries of the auth id (and of a
# token's owner) that hold it, with their lines; the superuser as a source
# of its own (always defined: permissions has a default)
grants := [{"privilege": p, "propagate": permissions[p], "sources": grant_sources(p)} |
	some p in sort(object.keys(permissions))
]

# grant_sources(p): the sources of privilege p, roles first, sorted
grant_sources(p) := array.concat(
	sort([x | some x in grant_roles; p in data.pxacl.roles[x.role]]),
	sort([x | some x in grant_superuser]),
)

# grant_superuser: root@pam, when it is the auth id or a token's owner
grant_superuser contains {"subject": auth_id, "superuser": true} if {
	not is_token
	auth_id == data.pxacl.meta.superuser
}

grant_superuser contains {"subject": owner, "superuser": true} if {
	is_token
	owner == data.pxacl.meta.superuser
}

# applies(propagate, at_target): a role applies at the target whatever its
# flag, above it only if it propagates (§3.2)
applies(_, true) := true

applies(true, false) := true

# grant_subjects (PBS): the auth id and a token's owner, but not the
# superuser (a source of its own)
grant_subjects contains auth_id if {
	not pve
	auth_id != data.pxacl.meta.superuser
}

grant_subjects contains owner if {
	not pve
	is_token
	owner != data.pxacl.meta.superuser
}

# grant_roles (PBS): the applicable roles of each subject's deciding entry
grant_roles contains x if {
	not pve
	some s in grant_subjects
	k := decided_at(s)
	e := data.pxacl.kinds[data.pxacl.acl[k][s]]
	some r, prop in e.roles
	applies(prop, k == target)
	x := {"subject": s, "path": k, "via": grant_via(s), "role": r}
}

# grant_via(s): how subject s takes part: the token itself, or a user (the
# auth id, or a token's owner)
grant_via(s) := "token" if {
	s == auth_id
	is_token
} else := "user"

default missing := []

missing := sort([p | some p in requested; lacks(permissions, p)])

# lacks(privs, p): the privilege map privs does not hold p
lacks(privs, p) if object.get(privs, p, null) == null

# group_entries: @group ACL entries on the path; PBS keeps them but they
# never grant anything (§3.5)
default group_entries := []

group_entries := [{"path": k, "group": g, "roles": object.keys(e.roles)} |
	not pve
	some k in node_keys
	some g, kind in data.pxacl.group_acl[k]
	e := data.pxacl.kinds[kind]
]

# ---------------------------------------------------------------------------
# Second factors (§9)
# ---------------------------------------------------------------------------

# tfa_report: the second factors of the user (a token's owner) as the
# bundle holds them from tfa.json: the usable factor types, the unused
# recovery keys (null without a set), and the locks in force at now. Null
# when the bundle holds no TFA state (PVE, an unreadable tfa.json). A
# second factor guards interactive logins only: an API token never needs
# its owner's.
default tfa_report := null

tfa_report := {
	"user": owner,
	"factors": sort({t | some t, n in state.factors; n > 0}),
	"recovery_keys": object.get(state.factors, "recovery", null),
	"totp_locked": state.totp_locked,
	"locked_until": tfa_locked_until(state),
	"token_bypasses": is_token,
} if {
	not pve
	is_object(data.pxacl.tfa)
	state := object.get(data.pxacl.tfa, owner, tfa_none)
}

# tfa_none is the state of a user without TFA data
tfa_none := {"factors": {}, "totp_locked": false, "tfa_locked_until": 0}

# tfa_locked_until(state): the end of a lock of every factor still in
# force at now (§9: locked while now < tfa-locked-until), else null
tfa_locked_until(state) := state.tfa_locked_until if state.tfa_locked_until > now

else := null
