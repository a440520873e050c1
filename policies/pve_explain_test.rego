package pxacl_pve_test

import data.pxacl
import data.pxacl_test

# Rego unit tests of policies/pve_explain.rego: explain on a PVE document.
# The fixture and the perms and allowed helpers are in pve_test.rego.

explained(id, path, privs) := x if {
	x := pxacl.explain with input as {"auth_id": id, "path": path, "privileges": privs}
		with time.now_ns as 100000000000
		with data.pxacl.acl as pxacl_test.keyed(fixture.acl)
		with data.pxacl.kinds as pxacl_test.kinds_of(fixture)
		with data.pxacl.group_acl as pxacl_test.keyed(fixture.group_acl)
		with data.pxacl.meta as fixture.meta
		with data.pxacl.levels as fixture.levels
		with data.pxacl.pool_of as fixture.pool_of
		with data.pxacl.privileges as fixture.privileges
		with data.pxacl.privsets as pxacl_test.leaf_sets(fixture, fixture.privsets)
		with data.pxacl.tokens as fixture.tokens
		with data.pxacl.user_groups as fixture.user_groups
		with data.pxacl.users as fixture.users
}

# explain names the deciding level, class, group and pool
test_explain_group_decides if {
	x := explained("u1@pve", "/vms/200", ["VM.Console"])
	x.allowed
	x.acl.decided_at == "/vms/200"
	some e in x.acl.entries
	e.via == "group @gb"
	e.status == "decides"
	some r in x.acl.entries
	r.path == "/vms"
	r.status == "replaced"
}

test_explain_user_overrides_group if {
	x := explained("u3@pve", "/nodes", ["VM.Audit"])
	{e.via: e.status | some e in x.acl.entries; e.path == "/nodes"} == {
		"user": "decides",
		"group @gb": "overridden: user/token entries win over group entries at one level (docs/semantics.md pve §3.1)",
	}
}

test_explain_not_propagated if {
	x := explained("u1@pve", "/vms/300/disk", ["VM.Audit"])
	some e in x.acl.entries
	e.path == "/vms/300"
	e.status == "not propagated"
}

test_explain_pool if {
	x := explained("u1@pve", "/vms/100", ["VM.Console"])
	some e in x.acl.entries
	e.via == "pool prod"
	e.path == "/pool/prod"
	e.roles[0].role == "R2"
}

test_explain_pool_noaccess if {
	x := explained("u1@pve", "/vms/101", ["VM.Audit"])
	some e in x.acl.entries
	e.via == "pool other, group @gb"
	startswith(e.status, "pool NoAccess")
}

test_explain_token_clamp if {
	x := explained("u1@pve!sep", "/vms/150", ["VM.Console"])
	not x.allowed
	x.clamped == ["VM.Console"]
	x.owner_acl.subject == "u1@pve"
	some e in x.acl.entries
	e.via == "token"
}

test_explain_root if {
	x := explained("root@pam", "/", ["Sys.Modify"])
	x.allowed
	x.acl.superuser
}

test_explain_root_token_owner if {
	x := explained("root@pam!sep", "/nodes", ["VM.Audit"])
	x.owner_acl.superuser
}

# explain names the flavor and a PVE token's privilege separation (§3.2)
test_explain_privsep if {
	explained("u1@pve!sep", "/vms/100", ["VM.Audit"]).privsep == true
	explained("u1@pve!full", "/vms/100", ["VM.Audit"]).privsep == false
	explained("u1@pve", "/vms/100", ["VM.Audit"]).privsep == null
	explained("u1@pve", "/vms/100", ["VM.Audit"]).flavor == "pve"
}

# ---------------------------------------------------------------------------
# known and grants on PVE
# ---------------------------------------------------------------------------

pve_roles := {"R1": ["VM.Audit"], "R2": ["VM.Console"], "R12": ["VM.Audit", "VM.Console"], "NoAccess": []}

listed(id, path) := x if {
	x := explained(id, path, []) with data.pxacl.roles as pve_roles
}

# §3.3: a user line or a token line makes an id known; a group member
# without a user line is not, nor is an unknown token
test_pve_known[id] if {
	some id, want in {
		"u1@pve": true, "u2@pve": true, "root@pam": true, "u1@pve!sep": true, "u3@pve!old": true,
		"ghost@pve": false, "u1@pve!nope": false, "nobody@pve": false,
	}
	x := explained(id, "/vms/150", ["VM.Audit"])
	x.known == want
}

src(subject, path, via, role) := {"subject": subject, "path": path, "via": via, "role": role}

root_src := {"subject": "root@pam", "superuser": true}

pve_grant_cases := {
	# §3.1: the group at the deepest level decides
	"group at the target": ["u1@pve", "/vms/200", [{"privilege": "VM.Console", "propagate": true, "sources": [src("u1@pve", "/vms/200", "group @gb", "R2")]}]],
	# §3.2: pool roles are added, never propagated
	"pool roles": ["u1@pve", "/vms/100", [
		{"privilege": "VM.Audit", "propagate": true, "sources": [src("u1@pve", "/vms", "group @ga", "R1")]},
		{"privilege": "VM.Console", "propagate": false, "sources": [src("u1@pve", "/pool/prod", "pool prod, user", "R2")]},
	]],
	# §3.1: propagate 0 at the target
	"propagate 0 at the target": ["u1@pve", "/vms/300", [{"privilege": "VM.Console", "propagate": false, "sources": [src("u1@pve", "/vms/300", "user", "R2")]}]],
	# §3.2 step 5: a privilege-separated token: its own roles and its owner's
	"privsep token": ["u1@pve!sep", "/vms/100", [
		{"privilege": "VM.Audit", "propagate": true, "sources": [src("u1@pve", "/vms", "group @ga", "R1"), src("u1@pve!sep", "/vms", "token", "R12")]},
		{"privilege": "VM.Console", "propagate": false, "sources": [src("u1@pve", "/pool/prod", "pool prod, user", "R2"), src("u1@pve!sep", "/vms", "token", "R12")]},
	]],
	# §3.2: a token without privilege separation: its owner's alone
	"full token": ["u1@pve!full", "/vms/150", [{"privilege": "VM.Audit", "propagate": true, "sources": [src("u1@pve", "/vms", "group @ga", "R1")]}]],
	# edge05: a privsep token of root@pam: its own ACL, and the superuser
	"privsep token of root": ["root@pam!sep", "/nodes", [{"privilege": "VM.Audit", "propagate": true, "sources": [src("root@pam!sep", "/nodes", "token", "R1"), root_src]}]],
	# NoAccess of a group: nothing
	"group NoAccess": ["u2@pve", "/access", []],
	# an unknown token has nothing
	"unknown token": ["u1@pve!nope", "/vms/150", []],
}

test_pve_grants[name] if {
	some name, [id, path, want] in pve_grant_cases
	x := listed(id, path)
	x.listing
	x.grants == want
}

test_pve_grants_root if {
	x := listed("root@pam", "/vms")
	count(x.grants) == count(all_privileges)
	every g in x.grants {
		g.sources == [root_src]
	}
}
