# METADATA
# title: pxacl
# description: |
#   Proxmox Backup Server access control, exactly as PBS decides it
#   (pbs-semantics.md §3.2-§3.4 and §4), over the data document compiled by
#   pxacl (data.pxacl.acl, users, tokens, privsets).
package pxacl

# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

# METADATA
# title: allow
# description: |
#   True when input.auth_id is active and holds input.privileges (all of
#   them, or any with input.partial) on input.path. Input errors deny.
# entrypoint: true
default allow := false

allow if {
	active
	privileges_held
}

# METADATA
# title: permissions
# description: |
#   The effective privileges of input.auth_id on input.path as
#   {"Priv.Name": propagate}, computed as PBS's lookup_privs_details
#   (it ignores enable/expire, like the Proxmox tools).
# entrypoint: true
default permissions := {}

permissions := effective

# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------

auth_id := input.auth_id if is_string(input.auth_id)

# path components, empty ones dropped (§2.1, §3.3)
path_parts := [c | some c in split(input.path, "/"); c != ""] if is_string(input.path)

depth := count(path_parts)

# node_keys[i] is the normalised path of the first i components: "/",
# "/datastore", "/datastore/store1", ... up to the target itself
node_keys := array.concat(["/"], [k |
	some i in numbers.range(1, depth)
	k := concat("/", array.concat([""], array.slice(path_parts, 0, i)))
]) if depth > 0

else := ["/"] if path_parts

# normalised path of the lookup target
target := node_keys[depth]

# the requested privileges: input.privileges, or input.privilege
requested contains p if {
	is_array(input.privileges)
	some p in input.privileges
}

requested contains input.privilege if is_string(input.privilege)

requested_ok if {
	count(requested) > 0
	every p in requested {
		is_string(p)
	}
}

partial if input.partial == true

privileges_held if {
	requested_ok
	not partial
	every p in requested {
		effective[p] != null
	}
}

privileges_held if {
	requested_ok
	partial
	some p in requested
	effective[p] != null
}

# ---------------------------------------------------------------------------
# Identity: tokens are "user@realm!name" with the '!' after the last '@' (§6)
# ---------------------------------------------------------------------------

last_at := max(indexof_n(auth_id, "@"))

last_bang := max(indexof_n(auth_id, "!"))

is_token if last_bang > last_at

# the owner of a token, or the user itself
owner := substring(auth_id, 0, last_bang) if is_token

owner := auth_id if not is_token

# the non-token root@pam holds everything (§3.4)
is_superuser if {
	not is_token
	auth_id == data.pxacl.meta.superuser
}

# ---------------------------------------------------------------------------
# Activity (§4.2): user exists, enabled, not expired; a token also needs its
# own section active, and its owner active
# ---------------------------------------------------------------------------

now := input.now if is_number(input.now)

else := time.now_ns() / 1000000000

account_active(account) if {
	account.enable != false
	not expired(account)
}

expired(account) if {
	account.expire > 0
	account.expire <= now
}

active if {
	not is_token
	account_active(data.pxacl.users[auth_id])
}

active if {
	is_token
	account_active(data.pxacl.tokens[auth_id])
	account_active(data.pxacl.users[owner])
}

# ---------------------------------------------------------------------------
# The ACL tree walk (§3.2, §3.3)
# ---------------------------------------------------------------------------

# own_privileges(s) maps privilege -> propagate for subject s alone. The
# deepest node with a non-empty role map for s decides and replaces what
# was inherited (§3.3): at the target any entry counts (its "leaf" set),
# above it only propagating ones (its "inherit" set). NoAccess yields an
# empty set that still decides. Deeper unknown nodes inherit.
own_privileges(s) := data.pxacl.privsets[set] if {
	set := data.pxacl.acl[target][s].leaf
}

else := data.pxacl.privsets[data.pxacl.acl[node_keys[i]][s].inherit] if {
	i := inherited_level(s)
}

else := {}

# inherited_level(s) is the deepest strict ancestor of the target at which
# s has a propagating entry
inherited_level(s) := max({i |
	some i in numbers.range(0, depth - 1)
	data.pxacl.acl[node_keys[i]][s].inherit
}) if depth > 0

# everything, propagating, for the superuser
all_privileges := {p: true | some p, _ in data.pxacl.privileges}

user_privileges := all_privileges if is_superuser

else := own_privileges(owner)

# effective: a user's own result; a token's own result intersected with its
# owner's at the same path, propagate bits ANDed (§4.1). root@pam's tokens
# are clamped to their own ACL (root has everything).
effective := user_privileges if {
	not is_token
	path_parts
}

effective := {p: prop |
	some p, own in own_privileges(auth_id)
	owner_prop := owner_privileges[p]
	prop := {own, owner_prop} == {true}
} if {
	is_token
	path_parts
}

owner_privileges := all_privileges if owner == data.pxacl.meta.superuser

else := own_privileges(owner)
