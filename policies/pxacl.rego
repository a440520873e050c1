# The rules behind data.pxacl.allow and data.pxacl.permissions (public.rego)
# and their helpers: Proxmox Backup Server access control, decided exactly as
# PBS decides it (docs/semantics.md §3.2-§3.4 and §4) over the data document
# compiled by pxacl: data.pxacl.acl[path][auth_id] is, per ACL node and
# subject, the key of the entry's kind; data.pxacl.kinds[key] holds its roles
# and, as keys into data.pxacl.privsets, the privilege set that applies at
# the node itself ("leaf") and the one that propagates below it ("inherit").
# data.pxacl.privsets[key] is the kind's leaf set itself.
# Package pxacl.lib is internal: only the rules of public.rego are the API.
package pxacl.lib

# allow: the general rules of data.pxacl.allow (public.rego); false by
# default, for explain's "allowed"
default allow := false

# A user: its section is active and it holds the privileges. This and the
# token rule are the hot path of every sidecar decision: they look up
# privilege-set keys (subject_set) and then single booleans,
# data.pxacl.privsets[key][privilege], never whole privilege maps
# (docs/benchmarks.md, "Stock OPA: data layout for sidecars").
allow if {
	not pve
	user := data.pxacl.users[input.auth_id]
	target
	account_active(user)
	held_in(subject_set(input.auth_id))
}

# A token: its section and its owner's are active, and each privilege is
# held both by the token's own ACL and by its owner's (§4.1, §4.2).
allow if {
	not pve
	tok := data.pxacl.tokens[input.auth_id]
	target
	account_active(tok)
	account_active(data.pxacl.users[tok.owner])
	held_in_both(own_set(input.auth_id), subject_set(tok.owner))
}

# permissions: data.pxacl.permissions (public.rego)
default permissions := {}

permissions := effective

# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------

auth_id := input.auth_id if is_string(input.auth_id)

# target is the normalised path: components split on "/", empty ones
# dropped (§2.1, §3.3), e.g. "//datastore///store1/" is "/datastore/store1".
# It is undefined for a dotted path, so such a query denies and has no
# permissions.
# A node with entries is normalised already (the usual query): one lookup.
target := input.path if {
	data.pxacl.acl[input.path]
	not dotted_path
} else := normalised_path if not dotted_path

# dotted_path: the empty path, or one with a "." or ".." component. No
# Proxmox ACL path has one (pbs §7: components are SAFE_IDs; pve §6), and
# a caller that resolves "." and ".." after the decision would read another
# path than the one decided: "/datastore/s1/../secret" must not answer for
# a node named "..".
dotted_path if regex.match(`^$|(^|/)\.\.?(/|$)`, input.path)

# normalised_path: input.path with empty components dropped, "/" if none
normalised_path := input.path if {
	data.pxacl.acl[input.path]
} else := input.path if {
	regex.match(`^(/[^/]+)+$`, input.path)
} else := concat("/", array.concat([""], parts)) if {
	parts := [c | some c in split(input.path, "/"); c != ""]
	count(parts) > 0
} else := "/" if {
	is_string(input.path)
}

# ancestors are the strict ancestors of the target that may carry entries
ancestors := entry_ancestors(target)

# entry_ancestors(path) are the strict ancestors of the normalised path
# that may carry entries, root first: its prefixes at the depths where the
# ACL has nodes with entries (data.pxacl.levels[d] is 1; the others cannot
# contribute anything). "/datastore/store1" has at most "/" and
# "/datastore". It costs one lookup per component of the path, and builds
# a prefix only at a depth that has entries, so a path of 100,000
# components costs no more than its length.
entry_ancestors(path) := array.concat(root_ancestor(path), [substring(path, 0, i) |
	some d, i in indexof_n(path, "/")
	d > 0
	data.pxacl.levels[d] == 1
])

# root_ancestor(path) is ["/"] if the root is a strict ancestor of the
# path and may carry entries
root_ancestor(path) := ["/"] if {
	path != "/"
	data.pxacl.levels[0] == 1
} else := []

# requested is the set of privileges asked for
requested := {p | some p in input.privileges} if {
	is_array(input.privileges)
} else := {input.privilege} if {
	is_string(input.privilege)
}

# held(privs): the privilege map privs holds every requested privilege, or
# with input.partial any one of them
held(privs) if {
	not input.partial
	count(requested) > 0
	every p in requested {
		privs[p] != null
	}
}

held(privs) if {
	input.partial == true
	some p in requested
	privs[p] != null
}

# held_in(k): held(data.pxacl.privsets[k]), asking the store for single
# privileges. One requested privilege (the usual query; all and any are
# then the same) is decided by the first rule alone.
held_in(k) if {
	[p] := input.privileges
	data.pxacl.privsets[k][p] != null
} else if {
	not input.partial
	count(requested) > 0
	every p in requested {
		data.pxacl.privsets[k][p] != null
	}
} else if {
	input.partial == true
	some p in requested
	data.pxacl.privsets[k][p] != null
}

# held_in_both(own, owner): held for a token, whose privileges are its own
# ACL's (set key own) intersected with its owner's (set key owner) at the
# same path
held_in_both(own, owner) if {
	[p] := input.privileges
	data.pxacl.privsets[own][p] != null
	data.pxacl.privsets[owner][p] != null
} else if {
	not input.partial
	count(requested) > 0
	every p in requested {
		data.pxacl.privsets[own][p] != null
		data.pxacl.privsets[owner][p] != null
	}
} else if {
	input.partial == true
	some p in requested
	data.pxacl.privsets[own][p] != null
	data.pxacl.privsets[owner][p] != null
}

# ---------------------------------------------------------------------------
# Identity (§6): a token is "user@realm!name", the '!' after the last '@'
# ---------------------------------------------------------------------------

# token is the user.cfg token section of the auth id, if there is one; it
# names its owner (the user part of the id)
token := data.pxacl.tokens[auth_id]

# is_token: a configured token, or an id with a '!' after its last '@'
is_token if token

is_token if {
	not token
	contains(auth_id, "!")
	max(indexof_n(auth_id, "!")) > max(indexof_n(auth_id, "@"))
}

# owner is the user a token belongs to, or the user itself
owner := token.owner if token

else := substring(auth_id, 0, max(indexof_n(auth_id, "!"))) if is_token

else := auth_id

# only the non-token root@pam is the superuser (§3.4)
is_superuser if {
	not is_token
	auth_id == data.pxacl.meta.superuser
}

# ---------------------------------------------------------------------------
# Activity (§4.2)
# ---------------------------------------------------------------------------

# now is the time that enable and expire are judged at (epoch seconds): the
# clock, or input.now when that is later. input.now may only move the clock
# forward, so no input revives an expired or future-disabled account
# ("now": 0); a test or explain that needs an earlier time sets the clock
# itself, with time.now_ns as ... (OPA's way).
now := max([clock, input.now]) if {
	is_number(input.now)
} else := clock

# clock is the evaluation's clock in epoch seconds
clock := time.now_ns() / 1000000000

# account_active: enable is not false and expire is 0 (never) or ahead;
# an account that never expires is decided without reading the clock, and
# a steady one (PBS: enabled, no expiry; its JSON then has neither) by
# that mark
account_active(account) if {
	account.steady
} else if {
	account.pve_steady
} else if {
	account.expire == 0
	account.enable != false
} else if {
	account.enable != false
	account.expire > now
}

expired(account) if {
	account.expire > 0
	account.expire <= now
}

# active: the user section exists and is active; for a token also the
# token section, and its owner. User ids never contain a token part, so a
# token id is never found among the users.
active if account_active(data.pxacl.users[auth_id])

active if {
	account_active(token)
	account_active(data.pxacl.users[token.owner])
}

# ---------------------------------------------------------------------------
# The ACL tree walk (§3.2, §3.3)
# ---------------------------------------------------------------------------

# own_set(s) is the privsets key of what subject s holds by its own ACL
# entries alone (own_privileges), "" for nothing. The deepest node with a
# non-empty role map for s decides and replaces everything inherited: at
# the target any entry counts (its "leaf" set, each privilege with its own
# propagate flag), above it only propagating entries (the "inherit" set,
# all flags true). NoAccess decides with the empty set. Paths deeper than
# the tree inherit.
own_set(s) := k if {
	k := data.pxacl.acl[target][s]
} else := k if {
	ks := inherited_sets(s)
	k := ks[count(ks) - 1]
} else := ""

# own_privileges(s) maps privilege -> propagate for subject s by its own
# ACL entries alone: the set own_set names
own_privileges(s) := data.pxacl.privsets[own_set(s)] if {
	true
} else := {}

# inherited_sets(s) are the "inherit" sets of s at the strict ancestors of
# the target, shallowest first
inherited_sets(s) := [k |
	some a in ancestors
	k := data.pxacl.kinds[data.pxacl.acl[a][s]].inherit
]

# subject_set(u) is the privsets key of user u's privileges: every
# privilege for the superuser, else its own ACL entries'
subject_set(u) := "all" if {
	u == data.pxacl.meta.superuser
} else := own_set(u)

# all_privileges is what root@pam holds, everywhere, propagating (§3.4)
all_privileges := {p: true | some p, _ in data.pxacl.privileges}

# subject_privileges(u) are the privileges of user u: everything for the
# superuser, else what u's own ACL entries give
subject_privileges(u) := all_privileges if {
	u == data.pxacl.meta.superuser
} else := own_privileges(u)

# user_privileges are the privileges of the owner (or the user itself)
user_privileges := subject_privileges(owner)

# token_privileges are what a token's own ACL entries give it
token_privileges := own_privileges(auth_id) if is_token

# effective: a user's own result; a token's own result intersected with its
# owner's at the same path, propagate flags ANDed (§4.1). The tokens of
# root@pam are therefore limited to their own ACL.
effective := user_privileges if {
	not pve
	not is_token
	target
}

effective := {p: prop |
	some p, own in token_privileges
	owner_prop := user_privileges[p]
	prop := {own, owner_prop} == {true}
} if {
	not pve
	is_token
	target
}
