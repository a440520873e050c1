package pxacl_test

# The fast rules of fast_pbs.rego (one privilege, accounts that never expire,
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
