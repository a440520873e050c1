package pxacl_test

import data.pxacl
import data.pxacl.lib

# ---------------------------------------------------------------------------
# Fixture: a small hand-written data.pxacl document (see compiler/compiler.go
# for the layout). Mocking data.pxacl wholesale would replace the policy
# rules too, so the helpers below mock it part by part.
# ---------------------------------------------------------------------------

# the evaluation time used by most tests: the clock, set with
# time.now_ns as now_ns (input.now may only move it forward)
now := 2000

now_ns := now * 1000000000

# a date far in the future (2100-01-01), for tests against the real clock
year_2100 := 4102444800

all_privileges := {
	"Sys.Audit": true, "Sys.Modify": true,
	"Datastore.Audit": true, "Datastore.Read": true,
	"Datastore.Backup": true, "Datastore.Modify": true,
}

# entry builds an acl[path][subject] value: roles {role: propagate}, all
# on acl.cfg line `line`, with the compiled leaf and inherit set keys
entry(roles, line, leaf, inherit) := {
	"roles": roles,
	"lines": {r: line | some r, _ in roles},
	"leaf": leaf,
	"inherit": inherit,
}

# entry0 is an entry where no role propagates (no "inherit" key)
entry0(roles, line, leaf) := {
	"roles": roles,
	"lines": {r: line | some r, _ in roles},
	"leaf": leaf,
}

account(enable, expire, line) := {"enable": enable, "expire": expire, "line": line}

fixture := {
	"meta": {"flavor": "pbs", "superuser": "root@pam", "acl_file": "acl.cfg", "user_file": "user.cfg"},
	"privileges": {
		"Sys.Audit": 0, "Sys.Modify": 1, "Datastore.Audit": 2,
		"Datastore.Read": 3, "Datastore.Backup": 4, "Datastore.Modify": 5,
	},
	# role -> privileges (explain's grants name the roles that give each)
	"roles": {
		"Admin": ["Sys.Audit", "Sys.Modify", "Datastore.Audit", "Datastore.Read", "Datastore.Backup", "Datastore.Modify"],
		"Audit": ["Sys.Audit", "Datastore.Audit"],
		"DatastoreAdmin": ["Datastore.Audit", "Datastore.Read", "Datastore.Backup", "Datastore.Modify"],
		"DatastoreAudit": ["Datastore.Audit"],
		"DatastoreBackup": ["Datastore.Backup"],
		"DatastoreReader": ["Datastore.Audit", "Datastore.Read"],
		"NoAccess": [],
		"SysMod": ["Sys.Modify"],
	},
	"privsets": {
		"none": {},
		"audit": {"Sys.Audit": true, "Datastore.Audit": true},
		"read": {"Datastore.Audit": true, "Datastore.Read": true},
		"read0": {"Datastore.Audit": false, "Datastore.Read": false},
		"backup": {"Datastore.Backup": true},
		"dsadmin": {"Datastore.Audit": true, "Datastore.Read": true, "Datastore.Backup": true, "Datastore.Modify": true},
		"mixed": {"Datastore.Audit": true, "Datastore.Backup": false},
		"daudit": {"Datastore.Audit": true},
		"sysmod": {"Sys.Modify": true},
	},
	"users": {
		"root@pam": account(true, 0, 1),
		"alice@pbs": account(true, 0, 2),
		"bob@pbs": account(false, 0, 4),
		"carol@pbs": account(true, 1000, 7),
		"dave@pbs": account(true, 0, 9),
		"erin@pbs": account(true, 5000, 11),
		"frank@pbs": account(true, 2000, 13),
		"gina@pbs": account(false, 1000, 15),
		"hal@pbs": account(true, year_2100, 17),
		"us!er@pbs": account(true, 0, 19),
	},
	"tokens": {
		"alice@pbs!ok": object.union(account(true, 0, 3), {"owner": "alice@pbs"}),
		"alice@pbs!off": object.union(account(false, 0, 5), {"owner": "alice@pbs"}),
		"alice@pbs!old": object.union(account(true, 1000, 6), {"owner": "alice@pbs"}),
		"alice@pbs!future": object.union(account(true, 5000, 8), {"owner": "alice@pbs"}),
		"root@pam!t": object.union(account(true, 0, 10), {"owner": "root@pam"}),
		"bob@pbs!t": object.union(account(true, 0, 12), {"owner": "bob@pbs"}),
		"carol@pbs!t": object.union(account(true, 0, 14), {"owner": "carol@pbs"}),
		"ghost@pbs!t": object.union(account(true, 0, 16), {"owner": "ghost@pbs"}),
	},
	"acl": {
		"/": {
			"alice@pbs": entry({"Audit": true}, 1, "audit", "audit"),
			# ignored: root@pam is the superuser whatever acl.cfg says (§3.4)
			"root@pam": entry({"NoAccess": true}, 2, "none", "none"),
			"us!er@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"bob@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"carol@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"dave@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"erin@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"frank@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"gina@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"hal@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"ghost@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"nobody@pbs": entry({"Audit": true}, 3, "audit", "audit"),
			"alice@pbs!off": entry({"Audit": true}, 3, "audit", "audit"),
			"alice@pbs!old": entry({"Audit": true}, 3, "audit", "audit"),
			"alice@pbs!future": entry({"Audit": true}, 3, "audit", "audit"),
			"alice@pbs!missing": entry({"Audit": true}, 3, "audit", "audit"),
			"bob@pbs!t": entry({"Audit": true}, 3, "audit", "audit"),
			"carol@pbs!t": entry({"Audit": true}, 3, "audit", "audit"),
			"ghost@pbs!t": entry({"Audit": true}, 3, "audit", "audit"),
		},
		"/datastore": {
			# propagate=0 at an intermediate node: does not interrupt (§3.3)
			"alice@pbs": entry0({"DatastoreReader": false}, 4, "read0"),
			"alice@pbs!ok": entry({"DatastoreAdmin": true}, 5, "dsadmin", "dsadmin"),
			"root@pam!t": entry({"DatastoreReader": true}, 6, "read", "read"),
		},
		"/datastore/s1": {"alice@pbs": entry({"DatastoreBackup": true}, 7, "backup", "backup")},
		"/datastore/s1/ns1": {"alice@pbs": entry({"NoAccess": true}, 8, "none", "none")},
		"/datastore/s1/ns1/ns2": {
			"alice@pbs": entry({"DatastoreReader": true}, 9, "read", "read"),
			"alice@pbs!ok": entry0({"DatastoreReader": false}, 9, "read0"),
		},
		"/datastore/s2": {"alice@pbs": entry0({"NoAccess": false}, 10, "none")},
		"/datastore/s3": {"alice@pbs": entry({"DatastoreAudit": true, "DatastoreBackup": false}, 11, "mixed", "daudit")},
		"/system": {"alice@pbs!ok": entry({"SysMod": true}, 12, "sysmod", "sysmod")},
	},
	# PBS keeps @group entries but they never grant anything (§3.5)
	"group_acl": {"/datastore": {"@admins": entry({"Admin": true}, 13, "dsadmin", "dsadmin")}},
}

# ---------------------------------------------------------------------------
# Layout: the fixtures write whole entries ({roles, lines, leaf, inherit});
# the compiled document keys each entry by its kind (compiler/kinds.go):
# acl and group_acl values are kind keys, kinds[key] is the entry without
# its acl.cfg lines, and privsets[key] is also the kind's leaf set. The
# helpers below give a fixture that shape when it is mocked in.
# ---------------------------------------------------------------------------

# kind_key(e) names the kind of fixture entry e
kind_key(e) := json.marshal(object.remove(e, ["lines"]))

# keyed(acl) is an acl or group_acl of fixture entries as kind keys
keyed(acl) := {p: {s: kind_key(e) | some s, e in es} | some p, es in acl}

# doc_entries(doc) are the fixture entries of doc's acl and group_acl
doc_entries(doc) := [e |
	some acl in [object.get(doc, "acl", {}), object.get(doc, "group_acl", {})]
	some es in acl
	some e in es
]

# kinds_of(doc) is the kinds table of doc's entries
kinds_of(doc) := {kind_key(e): object.remove(e, ["lines"]) | some e in doc_entries(doc)}

# inherit_sets(doc, privsets) is the inherits table: each kind's inherit set
# (none for a PVE kind with a propagating NoAccess)
inherit_sets(doc, privsets) := {kind_key(e): privsets[e.inherit] |
	some e in doc_entries(doc)
	not e.noaccess_inherit
}

# leaf_sets(doc, privsets) is privsets with each kind's leaf set under its key
# (none for a PVE kind with NoAccess)
leaf_sets(doc, privsets) := object.union(privsets, {kind_key(e): privsets[e.leaf] |
	some e in doc_entries(doc)
	not e.noaccess
})

# steady_users(doc) and steady_tokens(doc) are doc's accounts as the
# compiler writes them (compiler/document.go, markSteady): an account that
# is enabled and never expires, and for a token whose owner is too, has
# "steady" (the user whose ACL it reads) instead of enable and expire
steady_users(doc) := {id: steady_mark(a, id) | some id, a in doc.users}

steady_tokens(doc) := {id: x |
	some id, t in doc.tokens
	x := steady_token(doc, t)
}

steady_token(doc, t) := steady_mark(t, t.owner) if {
	steady_users(doc)[t.owner].steady
} else := t

steady_mark(a, id) := object.union(object.remove(a, ["enable", "expire"]), {"steady": id}) if {
	object.get(a, "enable", true) != false
	object.get(a, "expire", 0) == 0
} else := a

# ---------------------------------------------------------------------------
# Evaluation helpers
# ---------------------------------------------------------------------------

allow_in(doc, inp) := x if {
	x := pxacl.allow with input as inp
		with data.pxacl.meta as doc.meta
		with data.pxacl.privileges as doc.privileges
		with data.pxacl.privsets as leaf_sets(doc, privsets_of(doc))
		with data.pxacl.inherits as inherit_sets(doc, privsets_of(doc))
		with data.pxacl.users as steady_users(doc)
		with data.pxacl.tokens as steady_tokens(doc)
		with data.pxacl.acl as keyed(doc.acl)
		with data.pxacl.kinds as kinds_of(doc)
		with data.pxacl.group_acl as keyed(doc.group_acl)
		with data.pxacl.levels as levels_of(doc)
}

permissions_in(doc, inp) := x if {
	x := pxacl.permissions with input as inp
		with data.pxacl.meta as doc.meta
		with data.pxacl.privileges as doc.privileges
		with data.pxacl.privsets as leaf_sets(doc, privsets_of(doc))
		with data.pxacl.inherits as inherit_sets(doc, privsets_of(doc))
		with data.pxacl.users as steady_users(doc)
		with data.pxacl.tokens as steady_tokens(doc)
		with data.pxacl.acl as keyed(doc.acl)
		with data.pxacl.kinds as kinds_of(doc)
		with data.pxacl.group_acl as keyed(doc.group_acl)
		with data.pxacl.levels as levels_of(doc)
}

active_in(doc, inp) := x if {
	x := lib.active with input as inp
		with data.pxacl.meta as doc.meta
		with data.pxacl.users as steady_users(doc)
		with data.pxacl.tokens as steady_tokens(doc)
}

# privsets_of(doc) is doc's privilege sets with the superuser's "all", as
# the compiler writes them (compiler.AllSet)
privsets_of(doc) := object.union(doc.privsets, {"all": {p: true | some p, _ in doc.privileges}})

# levels_of(doc) is data.pxacl.levels as the compiler writes it for the
# nodes of doc.acl and doc.group_acl: levels[d] is 1 when a node of
# depth d carries entries
levels_of(doc) := [b |
	depths := {path_depth(p) | some p, _ in object.union(doc.acl, doc.group_acl)}
	some d in numbers.range(0, max(depths))
	b := to_number(d in depths)
]

path_depth("/") := 0

path_depth(p) := count(indexof_n(p, "/")) if p != "/"

allowed(inp) := x if {
	x := allow_in(fixture, inp) with time.now_ns as now_ns
}

perms(auth_id, path) := x if {
	x := permissions_in(fixture, {"auth_id": auth_id, "path": path}) with time.now_ns as now_ns
}

# ---------------------------------------------------------------------------
# §2.1, §3.3: path normalisation and the nodes along a path
# ---------------------------------------------------------------------------

node_key_cases := {
	"root slash": {"path": "/", "keys": ["/"]},
	"only slashes is root": {"path": "///", "keys": ["/"]},
	"normal path (fast path)": {"path": "/a/b", "keys": ["/", "/a", "/a/b"]},
	"repeated and trailing slashes": {"path": "//a///b/", "keys": ["/", "/a", "/a/b"]},
	"no leading slash": {"path": "a/b", "keys": ["/", "/a", "/a/b"]},
	"single component": {"path": "datastore", "keys": ["/", "/datastore"]},
	"deep": {"path": "/datastore/s1/ns1/ns2", "keys": ["/", "/datastore", "/datastore/s1", "/datastore/s1/ns1", "/datastore/s1/ns1/ns2"]},
}

# §2.1/§3.3: node_keys are the normalised prefixes, the last one the target
test_node_keys[name] if {
	some name, tc in node_key_cases
	keys := lib.node_keys with input as {"path": tc.path} with data.pxacl.levels as every_level
	keys == tc.keys
	target := lib.target with input as {"path": tc.path}
	target == tc.keys[count(tc.keys) - 1]
	depth := lib.depth with input as {"path": tc.path} with data.pxacl.levels as every_level
	depth == count(tc.keys) - 1
}

# every_level: nodes with entries at every depth (up to 8)
every_level := [1 | some _ in numbers.range(0, 8)]

# §3.3: only the prefixes at depths with entries are ancestors
test_ancestors_only_at_levels_with_entries[name] if {
	some name, tc in {
		"root and depth 2": {"levels": [1, 0, 1], "path": "/a/b/c", "want": ["/", "/a/b"]},
		"no root": {"levels": [0, 1, 1], "path": "/a/b/c", "want": ["/a", "/a/b"]},
		"the target is no ancestor": {"levels": [1, 1, 1], "path": "/a/b", "want": ["/", "/a"]},
		"root target": {"levels": [1], "path": "/", "want": []},
		"deeper than every level": {"levels": [0, 1], "path": "/a/b/c/d", "want": ["/a"]},
		"no levels": {"levels": [], "path": "/a/b", "want": []},
	}
	anc := lib.ancestors with input as {"path": tc.path} with data.pxacl.levels as tc.levels
	anc == tc.want
}

# §3.3: path components, empty ones dropped
test_target_drops_empty_components if {
	target := lib.target with input as {"path": "//datastore///s1/"}
	target == "/datastore/s1"
}

# malformed input: a non-string path has no nodes at all
test_node_keys_undefined_for_non_string_path[name] if {
	some name, p in {"number": 42, "null": null, "array": ["a"], "object": {"a": 1}}
	not lib.node_keys with input as {"path": p}
	not lib.target with input as {"path": p}
}

test_node_keys_undefined_for_missing_path if {
	not lib.node_keys with input as {}
}

# ---------------------------------------------------------------------------
# Dotted paths: "" and "." or ".." components deny (pbs §7: components are
# SAFE_IDs; pve §6). A gateway that resolves "/datastore/s1/../secret" after
# the decision must not be granted what "/datastore/s1/.." would give.
# ---------------------------------------------------------------------------

dotted_paths := {
	"", ".", "..", "/.", "/..", "./", "../", "./datastore", "../datastore",
	"/datastore/s1/../secret", "/datastore/./secret", "/datastore/s1/..", "/datastore/s1/.",
	"/datastore/s1/../", "//..//", "/datastore//..//s1",
}

undotted_paths := {
	"/datastore/s1.bak", "/datastore/.hidden", "/datastore/..x", "/datastore/x..",
	"/a.b/c", "/...", "/datastore/s1/...",
}

# a document where ".." is a node name (acl.cfg is not validated on load,
# §2.1): alice holds Audit on "/datastore/s1/.." only
dotted_doc := object.union(fixture, {"acl": {"/datastore/s1/..": {"alice@pbs": entry({"Audit": true}, 30, "audit", "audit")}}})

test_dotted_path_denies[name] if {
	some path in dotted_paths
	some id in ["root@pam", "alice@pbs", "alice@pbs!ok"]
	name := sprintf("%s %q", [id, path])
	inp := {"auth_id": id, "path": path, "privilege": "Sys.Audit"}
	not lib.target with input as inp
	not allow_in(dotted_doc, inp) with time.now_ns as now_ns
	permissions_in(dotted_doc, inp) == {} with time.now_ns as now_ns
	e := explain_in(dotted_doc, inp) with time.now_ns as now_ns
	not e.allowed
	not e.input_ok
	e.path == null
	is_string(e.path_problem)
}

# a dotted node of acl.cfg is not reachable by a query either
test_dotted_node_not_reachable if {
	not allow_in(dotted_doc, {"auth_id": "alice@pbs", "path": "/datastore/s1/..", "privilege": "Sys.Audit"}) with time.now_ns as now_ns
	permissions_in(dotted_doc, {"auth_id": "alice@pbs", "path": "/datastore/s1/.."}) == {} with time.now_ns as now_ns
	permissions_in(dotted_doc, {"auth_id": "alice@pbs", "path": "/datastore/s1/../secret"}) == {} with time.now_ns as now_ns
}

test_dotted_path_problem_says_why if {
	e := explain_in(fixture, {"auth_id": "alice@pbs", "path": "/datastore/./s1", "privilege": "Sys.Audit"}) with time.now_ns as now_ns
	contains(e.path_problem, `"." or ".."`)
	f := explain_in(fixture, {"auth_id": "alice@pbs", "path": "", "privilege": "Sys.Audit"}) with time.now_ns as now_ns
	contains(f.path_problem, "empty")
}

# names that merely contain dots are names
test_dots_in_names_are_names[path] if {
	some path in undotted_paths
	lib.target with input as {"path": path}
	lib.path_problem == null with input as {"path": path}
}

# ---------------------------------------------------------------------------
# §3.2-§3.4: effective privileges (data-driven)
# ---------------------------------------------------------------------------

permission_cases := {
	# §3.2: at the target all roles count, each with its own propagate flag
	"3.2 leaf propagating role at root": ["alice@pbs", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
	"3.2 the empty path has none (not an ACL path, §7)": ["alice@pbs", "", {}],
	"3.2 root as slashes": ["alice@pbs", "//", {"Sys.Audit": true, "Datastore.Audit": true}],
	"3.2 leaf non-propagating role counts at exact path": ["alice@pbs", "/datastore", {"Datastore.Audit": false, "Datastore.Read": false}],
	"3.2 leaf without leading slash": ["alice@pbs", "datastore", {"Datastore.Audit": false, "Datastore.Read": false}],
	"3.2 leaf with trailing slash": ["alice@pbs", "/datastore/", {"Datastore.Audit": false, "Datastore.Read": false}],
	"3.2 leaf mixed flags": ["alice@pbs", "/datastore/s3", {"Datastore.Audit": true, "Datastore.Backup": false}],
	"3.2 only propagating roles pass to children": ["alice@pbs", "/datastore/s3/x", {"Datastore.Audit": true}],
	# §3.3: intermediate propagate=0 entries do not interrupt inheritance
	"3.3 propagate=0 intermediate does not interrupt": ["alice@pbs", "/datastore/x", {"Sys.Audit": true, "Datastore.Audit": true}],
	# §3.3: the deepest non-empty node replaces, no merging
	"3.3 deepest node replaces": ["alice@pbs", "/datastore/s1", {"Datastore.Backup": true}],
	"3.3 deepest node replaces, messy path": ["alice@pbs", "//datastore///s1/", {"Datastore.Backup": true}],
	"3.3 unknown deeper paths inherit": ["alice@pbs", "/datastore/s1/deep/er", {"Datastore.Backup": true}],
	# §3.3: NoAccess
	"3.3 NoAccess propagating at exact path": ["alice@pbs", "/datastore/s1/ns1", {}],
	"3.3 NoAccess propagating masks below": ["alice@pbs", "/datastore/s1/ns1/x/y", {}],
	"3.3 deeper entry re-grants below NoAccess": ["alice@pbs", "/datastore/s1/ns1/ns2", {"Datastore.Audit": true, "Datastore.Read": true}],
	"3.3 deeper entry re-grants, inherited": ["alice@pbs", "/datastore/s1/ns1/ns2/y", {"Datastore.Audit": true, "Datastore.Read": true}],
	"3.3 NoAccess non-propagating only at exact path": ["alice@pbs", "/datastore/s2", {}],
	"3.3 NoAccess non-propagating does not mask below": ["alice@pbs", "/datastore/s2/x", {"Sys.Audit": true, "Datastore.Audit": true}],
	"3.3 no entries at all": ["zed@pbs", "/datastore", {}],
	# §3.4: root@pam has everything everywhere, its own ACL notwithstanding
	"3.4 superuser at root": ["root@pam", "/", all_privileges],
	"3.4 superuser ignores its NoAccess": ["root@pam", "/datastore/s1/ns1", all_privileges],
	# §3.4: root@pam's tokens are not superusers: own ACL ∩ everything
	"3.4 root token without own entry": ["root@pam!t", "/", {}],
	"3.4 root token own ACL": ["root@pam!t", "/datastore", {"Datastore.Audit": true, "Datastore.Read": true}],
	"3.4 root token own ACL inherited": ["root@pam!t", "/datastore/s1", {"Datastore.Audit": true, "Datastore.Read": true}],
	"3.4 root token elsewhere": ["root@pam!t", "/system", {}],
	# §4.1: token = own ACL ∩ owner's at the same path, flags ANDed
	"4.1 token does not inherit the user's ACL": ["alice@pbs!ok", "/", {}],
	"4.1 token flag true, owner flag false": ["alice@pbs!ok", "/datastore", {"Datastore.Audit": false, "Datastore.Read": false}],
	"4.1 token clamped by owner": ["alice@pbs!ok", "/datastore/s1", {"Datastore.Backup": true}],
	"4.1 owner NoAccess clamps token to nothing": ["alice@pbs!ok", "/datastore/s1/ns1/x", {}],
	"4.1 token flag false, owner flag true": ["alice@pbs!ok", "/datastore/s1/ns1/ns2", {"Datastore.Audit": false, "Datastore.Read": false}],
	"4.1 both flags true": ["alice@pbs!ok", "/datastore/s1/ns1/ns2/y", {"Datastore.Audit": true, "Datastore.Read": true}],
	"4.1 owner leaf mixed flags": ["alice@pbs!ok", "/datastore/s3", {"Datastore.Audit": true, "Datastore.Backup": false}],
	"4.1 disjoint token and owner": ["alice@pbs!ok", "/system", {}],
	"4.1 token of an owner without ACL": ["ghost@pbs!t", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
	# §6: '!' before the last '@' is part of a user name
	"6 us!er@pbs is a user": ["us!er@pbs", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
	# §4.2: lookup_privs does not check activity
	"4.2 disabled user still has privileges": ["bob@pbs", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
	"4.2 unknown user still has its ACL": ["nobody@pbs", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
	"4.2 token of a disabled user": ["bob@pbs!t", "/", {"Sys.Audit": true, "Datastore.Audit": true}],
}

test_permissions[name] if {
	some name, [auth_id, path, want] in permission_cases
	perms(auth_id, path) == want
}

# ---------------------------------------------------------------------------
# §6: identity
# ---------------------------------------------------------------------------

identity_cases := {
	"user": ["alice@pbs", false, "alice@pbs", false],
	"token": ["alice@pbs!ok", true, "alice@pbs", false],
	"bang before the last @ is a user": ["us!er@pbs", false, "us!er@pbs", false],
	"token of a user with a bang": ["us!er@pbs!t", true, "us!er@pbs", false],
	"bang after the last @ twice": ["a@pbs!x!y", true, "a@pbs!x", false],
	"no @ at all is not a token": ["noat!x", false, "noat!x", false],
	"superuser": ["root@pam", false, "root@pam", true],
	"superuser token is not superuser": ["root@pam!t", true, "root@pam", false],
	"other realm root is not superuser": ["root@pbs", false, "root@pbs", false],
}

test_identity[name] if {
	some name, [id, token, owner, superuser] in identity_cases
	inp := {"auth_id": id}
	is_token := lib.is_token with input as inp
	is_token == token
	o := lib.owner with input as inp with data.pxacl.meta as fixture.meta
	o == owner
	su := lib.is_superuser with input as inp with data.pxacl.meta as fixture.meta
	su == superuser
}

test_identity_undefined_for_non_string_auth_id if {
	not lib.auth_id with input as {"auth_id": 7}
	not lib.owner with input as {"auth_id": 7}
	not lib.is_superuser with input as {"auth_id": ["root@pam"]} with data.pxacl.meta as fixture.meta
}

# ---------------------------------------------------------------------------
# §4.2: activity
# ---------------------------------------------------------------------------

activity_cases := {
	"active user": ["alice@pbs", true],
	"enable false": ["bob@pbs", false],
	"expire in the past": ["carol@pbs", false],
	"expire 0 never expires": ["dave@pbs", true],
	"expire in the future": ["erin@pbs", true],
	"expire == now is expired": ["frank@pbs", false],
	"disabled and expired": ["gina@pbs", false],
	"missing user": ["nobody@pbs", false],
	"superuser (injected into user.cfg)": ["root@pam", true],
	"user with a bang": ["us!er@pbs", true],
	"active token": ["alice@pbs!ok", true],
	"token enable false": ["alice@pbs!off", false],
	"token expired": ["alice@pbs!old", false],
	"token expire in the future": ["alice@pbs!future", true],
	"token missing from user.cfg": ["alice@pbs!missing", false],
	"token of a disabled user": ["bob@pbs!t", false],
	"token of an expired user": ["carol@pbs!t", false],
	"token of a missing user": ["ghost@pbs!t", false],
	"superuser token": ["root@pam!t", true],
}

test_active[name] if {
	some name, [id, want] in activity_cases
	active_in(fixture, {"auth_id": id}) == want with time.now_ns as now_ns
}

test_active_is_undefined_not_error_for_bad_auth_id if {
	not lib.active with input as {"auth_id": 1} with data.pxacl.users as steady_users(fixture) with time.now_ns as now_ns
}

# §4.2: input.now may only move the clock forward: the later of the two
# counts; without it (or non-numeric) the clock
test_now_from_input_later_than_clock if {
	n := lib.now with input as {"now": 3000} with time.now_ns as now_ns
	n == 3000
}

test_now_input_cannot_move_clock_back[name] if {
	some name, t in {"zero": 0, "earlier": 1234, "negative": -1, "equal": now}
	n := lib.now with input as {"now": t} with time.now_ns as now_ns
	n == now
}

test_now_from_clock[name] if {
	some name, inp in {"missing": {}, "string": {"now": "2000"}, "null": {"now": null}}
	n := lib.now with input as inp
	n > 1700000000
}

# a sidecar that copies request fields into the input cannot revive an
# expired or not-yet-active account with "now": 0 or any earlier time
revive_cases := {
	"expired user": [{"auth_id": "carol@pbs", "path": "/", "privilege": "Sys.Audit"}, 0],
	"expired user, now 1": [{"auth_id": "carol@pbs", "path": "/", "privilege": "Sys.Audit"}, 1],
	"expired token": [{"auth_id": "alice@pbs!old", "path": "/", "privilege": "Sys.Audit"}, 0],
	"token of an expired user": [{"auth_id": "carol@pbs!t", "path": "/", "privilege": "Sys.Audit"}, 0],
	"expired by the clock": [{"auth_id": "erin@pbs", "path": "/", "privilege": "Sys.Audit"}, 2000],
}

test_input_now_cannot_revive[name] if {
	some name, [inp, t] in revive_cases
	not allow_in(fixture, object.union(inp, {"now": t})) with time.now_ns as 6000000000000
	e := explain_in(fixture, object.union(inp, {"now": t})) with time.now_ns as 6000000000000
	not e.active.active
}

# ...while a later input.now still expires an account the clock keeps
test_input_now_moves_forward if {
	allowed({"auth_id": "erin@pbs", "path": "/", "privilege": "Sys.Audit"})
	not allowed({"auth_id": "erin@pbs", "path": "/", "privilege": "Sys.Audit", "now": 5000000})
}

clock_cases := {
	"expired by the clock, not by input.now": ["erin@pbs", false],
	"token expired by the clock": ["alice@pbs!future", false],
	"expire in 2100": ["hal@pbs", true],
	"expire 0 with the clock": ["dave@pbs", true],
}

test_active_against_clock[name] if {
	some name, [id, want] in clock_cases
	active_in(fixture, {"auth_id": id}) == want
}

# ---------------------------------------------------------------------------
# allow: active and the requested privileges held (§3.4 check_privs, §4.2)
# ---------------------------------------------------------------------------

allow_cases := {
	"all of one held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup"]}, true],
	"all of two, one held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup", "Datastore.Read"]}, false],
	"all of two held": [{"auth_id": "alice@pbs", "path": "/", "privileges": ["Sys.Audit", "Datastore.Audit"]}, true],
	"partial false is all": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup", "Datastore.Read"], "partial": false}, false],
	"partial, one held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup", "Datastore.Read"], "partial": true}, true],
	"partial, none held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Sys.Modify", "Datastore.Read"], "partial": true}, false],
	"partial must be the boolean true": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Datastore.Backup", "Datastore.Read"], "partial": "yes"}, false],
	"non-propagating privilege is held": [{"auth_id": "alice@pbs", "path": "/datastore", "privileges": ["Datastore.Read"]}, true],
	"privilege shorthand held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privilege": "Datastore.Backup"}, true],
	"privilege shorthand not held": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privilege": "Sys.Modify"}, false],
	"privilege shorthand partial": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privilege": "Datastore.Backup", "partial": true}, true],
	"privileges win over privilege": [{"auth_id": "alice@pbs", "path": "/datastore/s1", "privileges": ["Sys.Modify"], "privilege": "Datastore.Backup"}, false],
	"NoAccess denies": [{"auth_id": "alice@pbs", "path": "/datastore/s1/ns1/x", "privileges": ["Datastore.Backup"]}, false],
	"superuser anything": [{"auth_id": "root@pam", "path": "/datastore/s1/ns1", "privileges": ["Sys.Modify", "Datastore.Modify"]}, true],
	"superuser on an unknown path": [{"auth_id": "root@pam", "path": "/no/such/path", "privilege": "Sys.Modify"}, true],
	"superuser and an unknown privilege": [{"auth_id": "root@pam", "path": "/", "privileges": ["Nope.Nope"]}, false],
	"root token is not superuser": [{"auth_id": "root@pam!t", "path": "/system", "privileges": ["Sys.Audit"]}, false],
	"root token own ACL": [{"auth_id": "root@pam!t", "path": "/datastore/s1", "privileges": ["Datastore.Read"]}, true],
	"token within owner": [{"auth_id": "alice@pbs!ok", "path": "/datastore/s1", "privileges": ["Datastore.Backup"]}, true],
	"token clamped by owner": [{"auth_id": "alice@pbs!ok", "path": "/datastore/s1", "privileges": ["Datastore.Modify"]}, false],
	"user with a bang": [{"auth_id": "us!er@pbs", "path": "/", "privileges": ["Sys.Audit"]}, true],
	# §4.2: privileges alone do not suffice, the auth id must be active
	"disabled user": [{"auth_id": "bob@pbs", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"expired user": [{"auth_id": "carol@pbs", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"expire 0": [{"auth_id": "dave@pbs", "path": "/", "privileges": ["Sys.Audit"]}, true],
	"expire ahead": [{"auth_id": "erin@pbs", "path": "/", "privileges": ["Sys.Audit"]}, true],
	"expire == now": [{"auth_id": "frank@pbs", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"user missing from user.cfg": [{"auth_id": "nobody@pbs", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token disabled": [{"auth_id": "alice@pbs!off", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token expired": [{"auth_id": "alice@pbs!old", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token expire ahead": [{"auth_id": "alice@pbs!future", "path": "/", "privileges": ["Sys.Audit"]}, true],
	"token missing from user.cfg": [{"auth_id": "alice@pbs!missing", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token of a disabled user": [{"auth_id": "bob@pbs!t", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token of an expired user": [{"auth_id": "carol@pbs!t", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"token of a missing user": [{"auth_id": "ghost@pbs!t", "path": "/", "privileges": ["Sys.Audit"]}, false],
	"a now that is not a number is ignored": [{"auth_id": "erin@pbs", "path": "/", "privileges": ["Sys.Audit"], "now": "9000"}, true],
}

test_allow[name] if {
	some name, [inp, want] in allow_cases
	allowed(inp) == want
}

# ---------------------------------------------------------------------------
# Malformed input: allow false, permissions {}, no errors
# ---------------------------------------------------------------------------

malformed_cases := {
	"missing auth_id": {"path": "/", "privileges": ["Sys.Audit"]},
	"numeric auth_id": {"auth_id": 42, "path": "/", "privileges": ["Sys.Audit"]},
	"array auth_id": {"auth_id": ["alice@pbs"], "path": "/", "privileges": ["Sys.Audit"]},
	"null auth_id": {"auth_id": null, "path": "/", "privileges": ["Sys.Audit"]},
	"missing path": {"auth_id": "alice@pbs", "privileges": ["Sys.Audit"]},
	"numeric path": {"auth_id": "alice@pbs", "path": 42, "privileges": ["Sys.Audit"]},
	"array path": {"auth_id": "alice@pbs", "path": ["datastore"], "privileges": ["Sys.Audit"]},
	"superuser, numeric path": {"auth_id": "root@pam", "path": 1, "privileges": ["Sys.Audit"]},
	"object auth_id": {"auth_id": {"root@pam": true}, "path": "/", "privileges": ["Sys.Audit"]},
}

test_malformed_denies[name] if {
	some name, inp in malformed_cases
	allowed(inp) == false
	permissions_in(fixture, inp) == {} with time.now_ns as now_ns
}

# the privileges are well-formed here, only the request is not: permissions
# are still computed, but nothing is allowed
malformed_request_cases := {
	"privileges a string": {"privileges": "Sys.Audit"},
	"privileges an object": {"privileges": {"Sys.Audit": true}},
	"privileges empty": {"privileges": []},
	"privileges empty, partial": {"privileges": [], "partial": true},
	"privileges a number list": {"privileges": [1]},
	"privileges null list": {"privileges": [null]},
	"unknown privilege": {"privileges": ["Nope.Nope"]},
	"unknown privilege, partial": {"privileges": ["Nope.Nope"], "partial": true},
	"no privileges at all": {},
	"privilege not a string": {"privilege": ["Sys.Audit"]},
}

test_malformed_request_denies[name] if {
	some name, req in malformed_request_cases
	inp := object.union({"auth_id": "alice@pbs", "path": "/"}, req)
	allowed(inp) == false
	permissions_in(fixture, inp) == {"Sys.Audit": true, "Datastore.Audit": true} with time.now_ns as now_ns
}

test_malformed_superuser_request_denies[name] if {
	some name, req in malformed_request_cases
	allowed(object.union({"auth_id": "root@pam", "path": "/"}, req)) == false
}

test_requested[name] if {
	some name, [inp, want] in {
		"array": [{"privileges": ["A", "B", "A"]}, {"A", "B"}],
		"shorthand": [{"privilege": "A"}, {"A"}],
		"array wins": [{"privileges": ["A"], "privilege": "B"}, {"A"}],
	}
	r := lib.requested with input as inp
	r == want
}

test_requested_undefined[name] if {
	some name, inp in {"none": {}, "string privileges": {"privileges": "A"}, "non-string privilege": {"privilege": 1}}
	not lib.requested with input as inp
}

# ---------------------------------------------------------------------------
# A compiled document without the optional parts still evaluates
# ---------------------------------------------------------------------------

# §3.4: only root@pam's identity matters for the superuser, not its ACL
test_superuser_with_empty_acl if {
	doc := object.union(fixture, {"acl": {}})
	permissions_in(doc, {"auth_id": "root@pam", "path": "/x"}) == all_privileges with time.now_ns as now_ns
	allow_in(doc, {"auth_id": "root@pam", "path": "/x", "privilege": "Sys.Modify"}) with time.now_ns as now_ns
}

# §3.4: the superuser name comes from meta
test_superuser_from_meta if {
	doc := object.union(fixture, {"meta": {"superuser": "alice@pbs"}})
	permissions_in(doc, {"auth_id": "alice@pbs", "path": "/datastore/s1/ns1"}) == all_privileges with time.now_ns as now_ns
	permissions_in(doc, {"auth_id": "root@pam", "path": "/datastore/s1/ns1"}) == {} with time.now_ns as now_ns
}

# §3.5: group entries never grant anything
test_group_acl_grants_nothing if {
	perms("@admins", "/datastore") == {}
	perms("alice@pbs!ok", "/") == {}
}

# §3.4: is_superuser is "not a token and the superuser", so a token is never
# the superuser, even one whose whole auth id were configured as such
test_token_never_superuser if {
	not lib.is_superuser with input as {"auth_id": "root@pam!t"} with data.pxacl.meta as {"superuser": "root@pam!t"}
	lib.is_superuser with input as {"auth_id": "root@pam"} with data.pxacl.meta as fixture.meta
}

# ---------------------------------------------------------------------------
# A path that is an ACL node (a key of data.pxacl.acl) is taken as the
# target without normalising it: a shortcut only. The same path written
# with extra slashes, which misses it, gets the same answers (§3.3).
# ---------------------------------------------------------------------------

test_node_target_and_ancestors if {
	t := lib.target with input as {"path": "/datastore/s1"} with data.pxacl.acl as {"/datastore/s1": {"alice@pbs": "k"}}
	t == "/datastore/s1"
	anc := lib.ancestors with input as {"path": "/datastore/s1"}
		with data.pxacl.levels as [1, 0, 1]
	anc == ["/"]
}

test_node_shortcut_same_answers[name] if {
	some auth_id in ["alice@pbs", "alice@pbs!ok", "bob@pbs", "bob@pbs!t", "root@pam!t", "us!er@pbs"]
	some path in ["/", "/datastore", "/datastore/s1", "/datastore/s1/ns1", "/datastore/s1/ns1/deeper"]
	name := sprintf("%s %s", [auth_id, path])
	inp := {"auth_id": auth_id, "path": path}
	slashed := {"auth_id": auth_id, "path": concat("", ["/", path, "/"])}
	permissions_in(fixture, inp) == permissions_in(fixture, slashed)
	every priv in ["Datastore.Audit", "Datastore.Backup", "Sys.Audit"] {
		allow_in(fixture, object.union(inp, {"privilege": priv})) == allow_in(fixture, object.union(slashed, {"privilege": priv}))
	}
}

# nodes: the paths of acl and group_acl, whatever kind of subject they hold
test_nodes if {
	got := pxacl.nodes with data.pxacl.acl as {"/a": {"u@pbs": "k1"}, "/b": {"u@pbs!t": "k1"}}
		with data.pxacl.group_acl as {"/a": {"g": "k2"}, "/c": {"g": "k2"}}
	got == {"/a", "/b", "/c"}
}
