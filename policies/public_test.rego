package pxacl_test

import data.pxacl
import data.pxacl.lib

# Rego unit tests of policies/public.rego: the public rules of package pxacl
# answer what the rules of pxacl.lib answer, fast rules included, and keep
# their defaults. The fixture and helpers are in pxacl_test.rego.

public_cases := {
	"user on a node": {"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup"]},
	"user below a node": {"auth_id": "alice@pbs", "path": "/datastore/s1/x", "privileges": ["Datastore.Backup"]},
	"user denied": {"auth_id": "alice@pbs", "path": "/datastore/s1/ns1", "privileges": ["Datastore.Read"]},
	"token clamped": {"auth_id": "alice@pbs!ok", "path": "/datastore/s1", "privileges": ["Datastore.Modify"]},
	"token, any of two": {"auth_id": "alice@pbs!ok", "path": "/system", "privileges": ["Sys.Modify", "Sys.Audit"], "partial": true},
	"superuser": {"auth_id": "root@pam", "path": "/x", "privilege": "Sys.Modify"},
	"disabled": {"auth_id": "bob@pbs", "path": "/", "privileges": ["Sys.Audit"]},
	"unknown": {"auth_id": "nobody@pbs", "path": "/", "privileges": ["Sys.Audit"]},
	"dotted": {"auth_id": "alice@pbs", "path": "/datastore/../x", "privileges": ["Sys.Audit"]},
	"listing": {"auth_id": "alice@pbs!ok", "path": "/datastore"},
	"malformed": {"auth_id": 7, "path": ["/"]},
}

# lib_in(doc, inp) are the answers of pxacl.lib's rules for inp over doc
lib_in(doc, inp) := x if {
	x := {"allow": lib.allow, "permissions": lib.permissions, "explain": lib.explain} with input as inp
		with data.pxacl.meta as doc.meta
		with data.pxacl.privileges as doc.privileges
		with data.pxacl.privsets as leaf_sets(doc, privsets_of(doc))
		with data.pxacl.inherits as inherit_sets(doc, privsets_of(doc))
		with data.pxacl.users as steady_users(doc)
		with data.pxacl.tokens as steady_tokens(doc)
		with data.pxacl.acl as keyed(doc.acl)
		with data.pxacl.kinds as kinds_of(doc)
		with data.pxacl.group_acl as keyed(doc.group_acl)
		with data.pxacl.roles as doc.roles
		with data.pxacl.levels as levels_of(doc)
}

test_public_rules_answer_as_lib[name] if {
	some name, inp in public_cases
	want := lib_in(fixture, inp) with time.now_ns as now_ns
	allow_in(fixture, inp) == want.allow with time.now_ns as now_ns
	permissions_in(fixture, inp) == want.permissions with time.now_ns as now_ns
	explain_in(fixture, inp) == want.explain with time.now_ns as now_ns
}

# without data: allow is false, permissions {}, check_expr false
test_public_defaults_without_data if {
	inp := {"auth_id": "alice@pbs", "path": "/", "privileges": ["Sys.Audit"], "expr": ["perm", "/", ["Sys.Audit"]]}
	pxacl.allow == false with input as inp
	pxacl.permissions == {} with input as inp
	pxacl.check_expr == false with input as inp
}

# check_expr is PVE's; on a PBS document it is false
test_public_check_expr_false_on_pbs if {
	inp := {"auth_id": "root@pam", "expr": ["perm", "/", ["Sys.Audit"]], "params": {}}
	pxacl.check_expr == false with input as inp with data.pxacl.meta as fixture.meta
}
