package pxacl_test

import data.pxacl

# The fast rules of fast_pve.rego (docs/semantics.md pve §3.1, §3.2) only
# ever say true where the general rules do; the cases they must leave to
# the general rules are checked both ways. Accounts marked "pve_steady"
# (always active, privilege-separated tokens, no NoAccess of their own on
# pools nor at the top), users in at most one group ("pve_group"), pool
# members in pool_path (one pool, no NoAccess on the member) and the
# groups whose NoAccess reaches a pool (pool_noaccess_groups).

no_access(line) := object.union(entry({"NoAccess": true}, line, "none", "none"), {"noaccess": true, "noaccess_inherit": true})

pve_fast_fixture := {
	"meta": {"flavor": "pve", "superuser": "root@pam", "acl_file": "user.cfg", "user_file": "user.cfg"},
	"privileges": {"VM.Audit": 0, "VM.Console": 1, "VM.Backup": 2, "Datastore.Audit": 3},
	"privsets": {
		"audit": {"VM.Audit": true}, "console": {"VM.Console": true}, "backup": {"VM.Backup": true},
		"cb": {"VM.Console": true, "VM.Backup": true}, "none": {},
	},
	"users": {
		"a@pve": {"line": 1, "pve_steady": "a@pve", "pve_group": "g"},
		"b@pve": {"enable": true, "expire": 0, "line": 2},
		"c@pve": {"line": 3, "pve_steady": "c@pve", "pve_group": ""},
		"m@pve": {"line": 4, "pve_steady": "m@pve"},
		"n@pve": {"line": 7, "pve_steady": "n@pve", "pve_group": "g"},
	},
	"tokens": {
		"a@pve!sep": {"line": 5, "owner": "a@pve", "privsep": true, "pve_steady": "a@pve"},
		"c@pve!sep": {"line": 6, "owner": "c@pve", "privsep": true, "pve_steady": "c@pve"},
		"n@pve!sep": {"line": 8, "owner": "n@pve", "privsep": true, "pve_steady": "n@pve"},
	},
	"user_groups": {"a@pve": {"g": true}, "m@pve": {"g": true, "h": true}, "n@pve": {"g": true}},
	"pool_of": {"/vms/100": ["p"], "/vms/101": ["q"], "/vms/102": ["r"], "/vms/103": ["n"], "/storage/s": ["p", "q"]},
	"pool_path": {"/vms/100": "/pool/p", "/vms/101": "/pool/q", "/vms/103": "/pool/n"},
	"pool_noaccess_groups": {"/pool/p": {"h": true}, "/pool/q": {"g": true}},
	"acl": {
		"/vms": {
			"a@pve": entry({"R1": true}, 10, "audit", "audit"),
			"a@pve!sep": entry({"R1": true}, 11, "audit", "audit"),
		},
		"/vms/100": {
			"a@pve!sep": entry({"R2": true}, 12, "console", "console"),
			"c@pve": entry({"R2": true}, 13, "console", "console"),
			"c@pve!sep": entry({"R2": true}, 14, "console", "console"),
		},
		"/vms/101": {
			"a@pve": entry({"R2": true}, 15, "console", "console"),
			"a@pve!sep": entry({"R2": true}, 16, "console", "console"),
		},
		"/vms/102": {"b@pve": no_access(17)},
		"/vms/300": {"a@pve": no_access(18)},
		"/vms/103": {"n@pve!sep": entry({"R2": true}, 29, "console", "console")},
		"/vms/400": {
			"a@pve": entry({"R2": true}, 19, "console", "console"),
			"a@pve!sep": entry({"R2": true}, 20, "console", "console"),
		},
		"/pool/p": {
			"c@pve": entry({"R3": true}, 21, "backup", "backup"),
			"c@pve!sep": entry({"R3": true}, 22, "backup", "backup"),
		},
		"/pool/n": {"n@pve": entry({"R1": true}, 27, "audit", "audit")},
	},
	"group_acl": {
		"/vms/200": {"g": entry({"R2": true}, 23, "console", "console")},
		"/pool/p": {"g": entry({"R4": true}, 24, "cb", "cb"), "h": no_access(25)},
		"/pool/q": {"g": no_access(26)},
		"/pool/n": {"g": entry({"R4": true}, 28, "cb", "cb")},
	},
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
		with data.pxacl.pool_path as doc.pool_path
		with data.pxacl.pool_noaccess_groups as doc.pool_noaccess_groups
		with data.pxacl.acl as keyed(doc.acl)
		with data.pxacl.kinds as kinds_of(doc)
		with data.pxacl.group_acl as keyed(doc.group_acl)
		with data.pxacl.levels as doc.levels
		with time.now_ns as now_ns
}

# [input, allowed, decided by the fast rules alone]
pve_fast_cases := {
	# outside pools
	"token and owner on their own entries": [{"auth_id": "a@pve!sep", "path": "/vms/400", "privileges": ["VM.Console"]}, true, true],
	"token and owner one level below a node": [{"auth_id": "a@pve!sep", "path": "/vms/5", "privileges": ["VM.Audit"]}, true, true],
	"user one level below a node": [{"auth_id": "a@pve", "path": "/vms/5", "privileges": ["VM.Audit"]}, true, true],
	"user on its own entry": [{"auth_id": "a@pve", "path": "/vms/400", "privileges": ["VM.Console"]}, true, true],
	"below a pool member is in no pool": [{"auth_id": "c@pve", "path": "/vms/100/x", "privileges": ["VM.Console"]}, true, true],
	"a group's entry on the target decides: general rules": [{"auth_id": "a@pve", "path": "/vms/200", "privileges": ["VM.Audit"]}, false, false],
	"NoAccess on the target: general rules": [{"auth_id": "a@pve", "path": "/vms/300", "privileges": ["VM.Audit"]}, false, false],
	"below a NoAccess: general rules": [{"auth_id": "a@pve", "path": "/vms/300/x", "privileges": ["VM.Audit"]}, false, false],
	"not steady: general rules": [{"auth_id": "b@pve", "path": "/vms/5", "privileges": ["VM.Audit"]}, false, false],
	# pool members (§3.2 step 3: the pool's roles are added)
	"token on the member, owner through its group on the pool": [{"auth_id": "a@pve!sep", "path": "/vms/100", "privileges": ["VM.Console"]}, true, true],
	"the token lacks it: general rules": [{"auth_id": "a@pve!sep", "path": "/vms/100", "privileges": ["VM.Backup"]}, false, false],
	"user through its group on the pool": [{"auth_id": "a@pve", "path": "/vms/100", "privileges": ["VM.Backup"]}, true, true],
	"user through its own entry on the pool": [{"auth_id": "c@pve", "path": "/vms/100", "privileges": ["VM.Backup"]}, true, true],
	"user through its own entry on the member": [{"auth_id": "c@pve", "path": "/vms/100", "privileges": ["VM.Console"]}, true, true],
	"token and owner through their own entries on the pool": [{"auth_id": "c@pve!sep", "path": "/vms/100", "privileges": ["VM.Backup"]}, true, true],
	"token and owner through their own entries on the member": [{"auth_id": "c@pve!sep", "path": "/vms/100", "privileges": ["VM.Console"]}, true, true],
	"the member's inherited roles and its pool's: general rules": [{"auth_id": "a@pve", "path": "/vms/100", "privileges": ["VM.Audit"]}, true, false],
	"the sole group's NoAccess on the pool takes the member's grant": [{"auth_id": "a@pve", "path": "/vms/101", "privileges": ["VM.Console"]}, false, false],
	"the same for a token's owner": [{"auth_id": "a@pve!sep", "path": "/vms/101", "privileges": ["VM.Console"]}, false, false],
	"a user in two groups, one with NoAccess on the pool: general rules": [{"auth_id": "m@pve", "path": "/vms/100", "privileges": ["VM.Backup"]}, false, false],
	"NoAccess of anyone on the member: general rules": [{"auth_id": "a@pve", "path": "/vms/102", "privileges": ["VM.Audit"]}, true, false],
	"an own entry on the pool decides before the group's": [{"auth_id": "n@pve", "path": "/vms/103", "privileges": ["VM.Console"]}, false, false],
	"the same for the token's owner": [{"auth_id": "n@pve!sep", "path": "/vms/103", "privileges": ["VM.Console"]}, false, false],
	"a storage in two pools: general rules": [{"auth_id": "a@pve", "path": "/storage/s", "privileges": ["VM.Backup"]}, false, false],
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
