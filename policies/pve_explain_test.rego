package pxacl_pve_test

import data.pxacl

# Rego unit tests of policies/pve_explain.rego: explain on a PVE document.
# The fixture and the perms and allowed helpers are in pve_test.rego.

explained(id, path, privs) := x if {
	x := pxacl.explain with input as {"auth_id": id, "path": path, "privileges": privs}
		with time.now_ns as 100000000000
		with data.pxacl.acl as fixture.acl
		with data.pxacl.group_acl as fixture.group_acl
		with data.pxacl.meta as fixture.meta
		with data.pxacl.nodes as fixture.nodes
		with data.pxacl.levels as fixture.levels
		with data.pxacl.pool_of as fixture.pool_of
		with data.pxacl.privileges as fixture.privileges
		with data.pxacl.privsets as fixture.privsets
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
		"group @gb": "overridden: user/token entries win over group entries at one level (§3.1)",
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
	e.roles[0].line == "user.cfg:26"
}

test_explain_pool_noaccess if {
	x := explained("u1@pve", "/vms/101", ["VM.Audit"])
	some e in x.acl.entries
	e.via == "pool other"
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
