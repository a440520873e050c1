package pxacl_test

import data.pxacl

# The fast rules of fast.rego (one privilege, accounts that never expire,
# the leaf at a node or the inherit set on the parent) only ever say true
# where the general rules do; every other case falls through to them.

fast_fixture := object.union(fixture, {"acl": {
	"/remote": {
		"alice@pbs": entry({"DatastoreAdmin": true}, 20, "dsadmin", "dsadmin"),
		"alice@pbs!ok": entry({"DatastoreBackup": true}, 21, "backup", "backup"),
		"dave@pbs": entry0({"DatastoreAdmin": false}, 22, "dsadmin"),
	},
	"/remote/r1/deep": {"alice@pbs": entry({"NoAccess": true}, 23, "none", "none")},
}})

fast_cases := {
	"token and owner on the node": [{"auth_id": "alice@pbs!ok", "path": "/remote", "privileges": ["Datastore.Backup"]}, true],
	"token clamped on the node": [{"auth_id": "alice@pbs!ok", "path": "/remote", "privileges": ["Datastore.Modify"]}, false],
	"token and owner on the parent": [{"auth_id": "alice@pbs!ok", "path": "/remote/r1", "privileges": ["Datastore.Backup"]}, true],
	"token clamped on the parent": [{"auth_id": "alice@pbs!ok", "path": "/remote/r1", "privileges": ["Datastore.Modify"]}, false],
	"parent of a path that is not normalised": [{"auth_id": "alice@pbs!ok", "path": "/remote//r1/", "privileges": ["Datastore.Backup"]}, true],
	"dotted below the parent": [{"auth_id": "alice@pbs!ok", "path": "/remote/r1/..", "privileges": ["Datastore.Backup"]}, false],
	"dotted parent": [{"auth_id": "alice@pbs!ok", "path": "/remote/../r1", "privileges": ["Datastore.Backup"]}, false],
	"a '.' last component": [{"auth_id": "alice@pbs!ok", "path": "/remote/.", "privileges": ["Datastore.Backup"]}, false],
	"a '...' last component is a name": [{"auth_id": "alice@pbs!ok", "path": "/remote/...", "privileges": ["Datastore.Backup"]}, true],
	"a '.x' last component is a name": [{"auth_id": "alice@pbs", "path": "/remote/.x", "privileges": ["Datastore.Modify"]}, true],
	"below a node, one component deep": [{"auth_id": "alice@pbs!ok", "path": "/x", "privileges": ["Sys.Audit"]}, false],
	"user on the parent": [{"auth_id": "alice@pbs", "path": "/remote/r1", "privileges": ["Datastore.Modify"]}, true],
	"user: a deeper NoAccess decides": [{"auth_id": "alice@pbs", "path": "/remote/r1/deep/x", "privileges": ["Datastore.Modify"]}, false],
	"token: the owner's deeper NoAccess decides": [{"auth_id": "alice@pbs!ok", "path": "/remote/r1/deep", "privileges": ["Datastore.Backup"]}, false],
	"user: a parent entry that does not propagate": [{"auth_id": "dave@pbs", "path": "/remote/r1", "privileges": ["Datastore.Modify"]}, false],
	"user: its leaf on the node": [{"auth_id": "dave@pbs", "path": "/remote", "privileges": ["Datastore.Modify"]}, true],
	"two privileges take the general rules": [{"auth_id": "alice@pbs!ok", "path": "/remote/r1", "privileges": ["Datastore.Backup", "Sys.Audit"]}, false],
	"expiring token takes the general rules": [{"auth_id": "alice@pbs!future", "path": "/", "privileges": ["Sys.Audit"]}, true],
}

test_fast_rules[name] if {
	some name, [inp, want] in fast_cases
	got := allow_in(fast_fixture, inp) with time.now_ns as now_ns
	got == want
}

# These are decided by the fast rules alone: with the general rules
# answering false, allow is still true (a steady token or user, one
# privilege, the node's leaf or the parent's inherit set).
fast_alone := {
	"token and owner on the node", "token and owner on the parent",
	"user on the parent", "user: its leaf on the node",
	"a '...' last component is a name", "a '.x' last component is a name",
}

test_fast_rules_alone[name] if {
	some name in fast_alone
	[inp, want] := fast_cases[name]
	want == true
	allow_in(fast_fixture, inp) with data.pxacl.lib.allow as false with time.now_ns as now_ns
}

# ... and these never by them: what they would need is not there
# (normalised target, one privilege, a steady account, no dotted path)
test_fast_rules_not_alone[name] if {
	some name, [inp, _] in general_cases
	not allow_in(fast_fixture, inp) with data.pxacl.lib.allow as false with time.now_ns as now_ns
}

general_cases := {name: c |
	some name, c in fast_cases
	not name in fast_alone
}

# ---------------------------------------------------------------------------
# The PVE fast rules (pve §3.1, §3.2): accounts marked "pve_steady" (always
# active, privilege-separated tokens), on targets in no pool
# ---------------------------------------------------------------------------

pve_fast_fixture := {
	"meta": {"flavor": "pve", "superuser": "root@pam", "acl_file": "user.cfg", "user_file": "user.cfg"},
	"privileges": {"VM.Audit": 0, "VM.Console": 1, "VM.Backup": 2},
	"privsets": {"audit": {"VM.Audit": true}, "console": {"VM.Console": true}, "backup": {"VM.Backup": true}, "none": {}},
	"users": {"a@pve": {"line": 1, "pve_steady": "a@pve"}, "b@pve": {"enable": true, "expire": 0, "line": 2}},
	"tokens": {"a@pve!sep": {"line": 3, "owner": "a@pve", "privsep": true, "pve_steady": "a@pve"}},
	"user_groups": {"a@pve": {"g": true}},
	"pool_of": {"/vms/100": ["p"]},
	"acl": {
		"/vms": {
			"a@pve": entry({"R1": true}, 10, "audit", "audit"),
			"a@pve!sep": entry({"R1": true}, 11, "audit", "audit"),
		},
		"/vms/100": {
			"a@pve": entry({"R2": true}, 12, "console", "console"),
			"a@pve!sep": entry({"R2": true}, 13, "console", "console"),
		},
		"/vms/400": {
			"a@pve": entry({"R2": true}, 17, "console", "console"),
			"a@pve!sep": entry({"R2": true}, 18, "console", "console"),
		},
		"/vms/300": {"a@pve": object.union(entry({"NoAccess": true}, 14, "none", "none"), {"noaccess": true, "noaccess_inherit": true})},
		"/pool/p": {"a@pve": entry({"R3": true}, 15, "backup", "backup")},
	},
	"group_acl": {"/vms/200": {"g": entry({"R2": true}, 16, "console", "console")}},
	"levels": [0, 1, 1],
}

pve_allow(inp) := x if {
	doc := pve_fast_fixture
	x := pxacl.allow with input as inp
		with data.pxacl.meta as doc.meta
		with data.pxacl.privileges as doc.privileges
		with data.pxacl.privsets as leaf_sets(doc, doc.privsets)
		with data.pxacl.inherits as inherit_sets(doc, doc.privsets)
		with data.pxacl.users as doc.users
		with data.pxacl.tokens as doc.tokens
		with data.pxacl.user_groups as doc.user_groups
		with data.pxacl.pool_of as doc.pool_of
		with data.pxacl.acl as keyed(doc.acl)
		with data.pxacl.kinds as kinds_of(doc)
		with data.pxacl.group_acl as keyed(doc.group_acl)
		with data.pxacl.levels as doc.levels
		with time.now_ns as now_ns
}

# [input, allowed, decided by the fast rules alone]
pve_fast_cases := {
	"token and owner on their own entries": [{"auth_id": "a@pve!sep", "path": "/vms/400", "privileges": ["VM.Console"]}, true, true],
	"a pool member: general rules": [{"auth_id": "a@pve!sep", "path": "/vms/100", "privileges": ["VM.Console"]}, true, false],
	"token and owner one level below a node": [{"auth_id": "a@pve!sep", "path": "/vms/5", "privileges": ["VM.Audit"]}, true, true],
	"user one level below a node": [{"auth_id": "a@pve", "path": "/vms/5", "privileges": ["VM.Audit"]}, true, true],
	"user on its own entry": [{"auth_id": "a@pve", "path": "/vms/400", "privileges": ["VM.Console"]}, true, true],
	"below a pool member: no pool, fast": [{"auth_id": "a@pve", "path": "/vms/100/x", "privileges": ["VM.Console"]}, true, true],
	"pool roles add: general rules": [{"auth_id": "a@pve", "path": "/vms/100", "privileges": ["VM.Backup"]}, true, false],
	"a group's entry on the target decides: general rules": [{"auth_id": "a@pve", "path": "/vms/200", "privileges": ["VM.Audit"]}, false, false],
	"NoAccess on the target: general rules": [{"auth_id": "a@pve", "path": "/vms/300", "privileges": ["VM.Audit"]}, false, false],
	"below a NoAccess: general rules": [{"auth_id": "a@pve", "path": "/vms/300/x", "privileges": ["VM.Audit"]}, false, false],
	"not steady: general rules": [{"auth_id": "b@pve", "path": "/vms/5", "privileges": ["VM.Audit"]}, false, false],
}

test_pve_fast_rules[name] if {
	some name, [inp, want, _] in pve_fast_cases
	pve_allow(inp) == want
}

test_pve_fast_rules_alone[name] if {
	some name, [inp, _, alone] in pve_fast_cases
	got := pve_allow(inp) with data.pxacl.lib.allow as false
	got == alone
}
