package pxacl_pve_test

import data.pxacl
import data.pxacl.lib
import data.pxacl_test

# Rego unit tests of policies/pve.rego (docs/semantics.md pve §3). The fixture
# is the data document pxacl compiles from this user.cfg (line numbers are
# the user.cfg lines):
#
#  1 user:u1@pve:1:0::::::
#  2 token:u1@pve!sep:0:1::
#  3 token:u1@pve!full:0:0::
#  4 user:u2@pve:0:0::::::
#  5 user:u3@pve:1:1000::::::
#  6 token:u3@pve!old:500:1::
#  7 user:root@pam:1:0::::::
#  8 token:root@pam!sep:0:1::
#  9 group:ga:u1@pve,u2@pve,ghost@pve::
# 10 group:gb:u1@pve,u3@pve::
# 11 pool:prod::100:local:
# 12 pool:other::101:local:
# 13 role:R1:VM.Audit:
# 14 role:R2:VM.Console:
# 15 role:R12:VM.Audit,VM.Console:
# 16 acl:1:/:@ga:NoAccess:
# 17 acl:1:/vms:@ga:R1:
# 18 acl:1:/vms:u3@pve:R2:
# 19 acl:1:/vms/200:@gb:R2:
# 20 acl:1:/vms/100:u2@pve:R2:
# 21 acl:0:/vms/300:u1@pve:R2:
# 22 acl:1:/nodes:@ga:R1:
# 23 acl:1:/nodes:@gb:R2:
# 24 acl:1:/sdn:@ga:NoAccess:
# 25 acl:1:/sdn:@gb:R1:
# 26 acl:1:/pool/prod:u1@pve:R2:
# 27 acl:1:/pool/other:@gb:NoAccess:
# 28 acl:1:/vms:u1@pve!sep:R12:
# 29 acl:1:/vms:u1@pve!full:R12:
# 30 acl:1:/nodes:root@pam!sep:R1:
# 31 acl:1:/nodes:u3@pve:R1:
fixture := {"acl": {"/nodes": {"root@pam!sep": {"inherit": "s1", "leaf": "s1", "lines": {"R1": 30}, "roles": {"R1": true}}, "u3@pve": {"inherit": "s1", "leaf": "s1", "lines": {"R1": 31}, "roles": {"R1": true}}}, "/pool/prod": {"u1@pve": {"inherit": "s2", "leaf": "s2", "lines": {"R2": 26}, "roles": {"R2": true}}}, "/vms": {"u1@pve!full": {"inherit": "s3", "leaf": "s3", "lines": {"R12": 29}, "roles": {"R12": true}}, "u1@pve!sep": {"inherit": "s3", "leaf": "s3", "lines": {"R12": 28}, "roles": {"R12": true}}, "u3@pve": {"inherit": "s2", "leaf": "s2", "lines": {"R2": 18}, "roles": {"R2": true}}}, "/vms/100": {"u2@pve": {"inherit": "s2", "leaf": "s2", "lines": {"R2": 20}, "roles": {"R2": true}}}, "/vms/300": {"u1@pve": {"leaf": "s4", "lines": {"R2": 21}, "roles": {"R2": false}}}}, "group_acl": {"/": {"ga": {"inherit": "s0", "leaf": "s0", "lines": {"NoAccess": 16}, "noaccess": true, "noaccess_inherit": true, "roles": {"NoAccess": true}}}, "/nodes": {"ga": {"inherit": "s1", "leaf": "s1", "lines": {"R1": 22}, "roles": {"R1": true}}, "gb": {"inherit": "s2", "leaf": "s2", "lines": {"R2": 23}, "roles": {"R2": true}}}, "/pool/other": {"gb": {"inherit": "s0", "leaf": "s0", "lines": {"NoAccess": 27}, "noaccess": true, "noaccess_inherit": true, "roles": {"NoAccess": true}}}, "/sdn": {"ga": {"inherit": "s0", "leaf": "s0", "lines": {"NoAccess": 24}, "noaccess": true, "noaccess_inherit": true, "roles": {"NoAccess": true}}, "gb": {"inherit": "s1", "leaf": "s1", "lines": {"R1": 25}, "roles": {"R1": true}}}, "/vms": {"ga": {"inherit": "s1", "leaf": "s1", "lines": {"R1": 17}, "roles": {"R1": true}}}, "/vms/200": {"gb": {"inherit": "s2", "leaf": "s2", "lines": {"R2": 19}, "roles": {"R2": true}}}}, "meta": {"flavor": "pve", "catalog_version": "9.1", "superuser": "root@pam", "acl_file": "user.cfg", "user_file": "user.cfg"}, "privileges": {"Datastore.Allocate": 0, "Datastore.AllocateSpace": 1, "Datastore.AllocateTemplate": 2, "Datastore.Audit": 3, "Group.Allocate": 4, "Mapping.Audit": 5, "Mapping.Modify": 6, "Mapping.Use": 7, "Permissions.Modify": 8, "Pool.Allocate": 9, "Pool.Audit": 10, "Realm.Allocate": 11, "Realm.AllocateUser": 12, "SDN.Allocate": 13, "SDN.Audit": 14, "SDN.Use": 15, "Sys.AccessNetwork": 16, "Sys.Audit": 17, "Sys.Console": 18, "Sys.Incoming": 19, "Sys.Modify": 20, "Sys.PowerMgmt": 21, "Sys.Syslog": 22, "User.Modify": 23, "VM.Allocate": 24, "VM.Audit": 25, "VM.Backup": 26, "VM.Clone": 27, "VM.Config.CDROM": 28, "VM.Config.CPU": 29, "VM.Config.Cloudinit": 30, "VM.Config.Disk": 31, "VM.Config.HWType": 32, "VM.Config.Memory": 33, "VM.Config.Network": 34, "VM.Config.Options": 35, "VM.Console": 36, "VM.GuestAgent.Audit": 37, "VM.GuestAgent.FileRead": 38, "VM.GuestAgent.FileSystemMgmt": 39, "VM.GuestAgent.FileWrite": 40, "VM.GuestAgent.Unrestricted": 41, "VM.Migrate": 42, "VM.PowerMgmt": 43, "VM.Replicate": 44, "VM.Snapshot": 45, "VM.Snapshot.Rollback": 46}, "privsets": {"s0": {}, "s1": {"VM.Audit": true}, "s2": {"VM.Console": true}, "s3": {"VM.Audit": true, "VM.Console": true}, "s4": {"VM.Console": false}}, "levels": [1, 1, 1], "nodes": {"/": {}, "/nodes": {}, "/pool/other": {}, "/pool/prod": {}, "/sdn": {}, "/vms": {}, "/vms/100": {}, "/vms/200": {}, "/vms/300": {}}, "pool_of": {"/storage/local": ["other", "prod"], "/vms/100": ["prod"], "/vms/101": ["other"]}, "user_groups": {"ghost@pve": {"ga": true}, "u1@pve": {"ga": true, "gb": true}, "u2@pve": {"ga": true}, "u3@pve": {"gb": true}}, "tokens": {"root@pam!sep": {"enable": true, "expire": 0, "line": 8, "privsep": true, "owner": "root@pam"}, "u1@pve!full": {"enable": true, "expire": 0, "line": 3, "privsep": false, "owner": "u1@pve"}, "u1@pve!sep": {"enable": true, "expire": 0, "line": 2, "privsep": true, "owner": "u1@pve"}, "u3@pve!old": {"enable": true, "expire": 500, "line": 6, "privsep": true, "owner": "u3@pve"}}, "users": {"root@pam": {"enable": true, "expire": 0, "line": 7}, "u1@pve": {"enable": true, "expire": 0, "line": 1}, "u2@pve": {"enable": false, "expire": 0, "line": 4}, "u3@pve": {"enable": true, "expire": 1000, "line": 5}}}

# the fixture mocked into data.pxacl part by part (mocking data.pxacl
# wholesale would replace the policy rules too)
perms(id, path) := p if {
	p := pxacl.permissions with input as {"auth_id": id, "path": path}
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

allowed(id, path, privs, now) := a if {
	a := pxacl.allow with input as {"auth_id": id, "path": path, "privileges": privs}
		with time.now_ns as now * 1000000000
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

all_privileges := {p: true | some p, _ in fixture.privileges}

# §3.1: the deepest applicable level replaces everything above (test3)
test_deeper_group_replaces if perms("u1@pve", "/vms/200") == {"VM.Console": true}

# §3.1: NoAccess is not sticky, a deeper level replaces it (edge02)
test_noaccess_replaced_deeper if perms("u2@pve", "/vms/150") == {"VM.Audit": true}

# §3.1: NoAccess in the final set gives nothing
test_noaccess_inherited if perms("u2@pve", "/access") == {}

# §3.1: the user's groups at one level are unioned (test2)
test_groups_union if perms("u1@pve", "/nodes/n1") == {"VM.Audit": true, "VM.Console": true}

# §3.1: a group NoAccess in the union wins (edge03)
test_group_noaccess_wins_union if perms("u1@pve", "/sdn/zones") == {}

# §3.1: user entries override the groups at the same level (test1)
test_user_overrides_groups if perms("u3@pve", "/nodes") == {"VM.Audit": true}

# §3.1: propagate=0 applies at the target only, and does not shadow below
test_propagate0_at_target if perms("u1@pve", "/vms/300") == {"VM.Console": false}

test_propagate0_not_below if perms("u1@pve", "/vms/300/disk") == {"VM.Audit": true}

# §1.1: a group member without a user line keeps the group's ACLs (edge07)
test_ghost_group_member if perms("ghost@pve", "/vms/150") == {"VM.Audit": true}

# §3.2: pool roles are added to the member, never propagated
test_pool_roles_added if perms("u1@pve", "/vms/100") == {"VM.Audit": true, "VM.Console": false}

# §3.2: a NoAccess among the pool roles trumps the regular grants (test7);
# here the NoAccess of @ga at / propagates to /pool/prod
test_pool_noaccess_trumps if perms("u2@pve", "/vms/100") == {}

test_pool_noaccess_own_acl if perms("u1@pve", "/vms/101") == {}

# §3.2 step 5: privsep token = own ACL ∩ owner's (owner's pools included)
test_privsep_token_intersection if perms("u1@pve!sep", "/vms/100") == {"VM.Audit": true, "VM.Console": false}

test_privsep_token_clamped if perms("u1@pve!sep", "/vms/150") == {"VM.Audit": true}

# §3.2: a privsep=0 token has its owner's privileges, its ACL is ignored
test_full_token_owner_privileges if perms("u1@pve!full", "/vms/150") == {"VM.Audit": true}

# §3.2: a non-existent token gets nothing
test_missing_token if perms("u1@pve!nope", "/vms/150") == {}

# §3.2: an invalid userid gets nothing
test_invalid_userid if perms("nobody", "/vms/150") == {}

# §3.2, §3.3: root@pam holds every privilege everywhere
test_root_all if perms("root@pam", "/vms/150") == all_privileges

# §3.2 step 5 (edge05): a privsep token of root@pam gets its own ACL only
test_root_privsep_token if perms("root@pam!sep", "/nodes") == {"VM.Audit": true}

test_root_privsep_token_elsewhere if perms("root@pam!sep", "/vms") == {}

# §3.3: allow requires an active user
test_allow_active_user if allowed("u1@pve", "/vms/150", ["VM.Audit"], 100)

test_deny_disabled_user if not allowed("u2@pve", "/vms/150", ["VM.Audit"], 100)

test_allow_before_expiry if allowed("u3@pve", "/vms/1", ["VM.Console"], 500)

test_deny_after_expiry if not allowed("u3@pve", "/vms/1", ["VM.Console"], 2000)

test_deny_missing_privilege if not allowed("u1@pve", "/vms/150", ["VM.Console"], 100)

test_allow_token if allowed("u1@pve!full", "/vms/150", ["VM.Audit"], 100)

# Dotted paths deny on PVE too (pve §6: no ACL path has a "." or ".."
# component, and a caller resolving one later would read another path):
# neither root@pam nor a user with privileges gets anything, and pool
# membership is not looked up for them
test_dotted_path_denies[name] if {
	some path in ["", "/vms/..", "/vms/100/../200", "/./vms/100", "/vms/.", "..", "/storage/local/.."]
	some id in ["root@pam", "u1@pve", "u1@pve!full", "u1@pve!sep"]
	name := sprintf("%s %q", [id, path])
	perms(id, path) == {}
	not allowed(id, path, ["VM.Audit"], 100)
	x := explained(id, path, ["VM.Audit"])
	not x.allowed
	is_string(x.path_problem)
}

# names that contain dots are names
test_dots_in_names_are_names if {
	perms("u1@pve", "/vms/100/..x") == {"VM.Audit": true}
	perms("root@pam", "/storage/local.bak")["Sys.Audit"]
}

# §3.3: input.now only moves the clock forward: "now": 0 does not revive
# u3@pve (expired at 1000) or its token (expired at 500)
test_input_now_cannot_revive[id] if {
	some id in ["u3@pve", "u3@pve!old"]
	not pxacl.allow with input as {"auth_id": id, "path": "/vms/1", "privileges": ["VM.Console"], "now": 0}
		with time.now_ns as 2000000000000
		with data.pxacl.acl as pxacl_test.keyed(fixture.acl)
		with data.pxacl.kinds as pxacl_test.kinds_of(fixture)
		with data.pxacl.group_acl as pxacl_test.keyed(fixture.group_acl)
		with data.pxacl.meta as fixture.meta
		with data.pxacl.privileges as fixture.privileges
		with data.pxacl.privsets as pxacl_test.leaf_sets(fixture, fixture.privsets)
		with data.pxacl.tokens as fixture.tokens
		with data.pxacl.user_groups as fixture.user_groups
		with data.pxacl.users as fixture.users
}

# §1.2: user ids are checked on bytes with Perl's \s, as package pveid does
test_valid_userid_bytes_and_perl_space if {
	lib.pve_valid_userid("alice@pve")
	lib.pve_valid_userid(concat("", [concat("", [c | some _ in numbers.range(1, 29); c := "ä"]), "@pve"]))
	not lib.pve_valid_userid(concat("", [concat("", [c | some _ in numbers.range(1, 31); c := "ä"]), "@pve"]))
	not lib.pve_valid_userid("a\u000bb@pve")
	not lib.pve_valid_userid("a b@pve")
	not lib.pve_valid_userid("ab")
}
