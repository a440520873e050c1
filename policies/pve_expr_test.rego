package pxacl_pve_expr_test

import data.pxacl
import data.pxacl_test

# Rego unit tests of policies/pve_expr.rego (docs/semantics.md pve §4) over the
# data document pxacl compiles from this user.cfg:
#
#  1 user:admin@pve:1:0::::::
#  2 user:gadmin@pve:1:0::::::
#  3 user:member@pve:1:0::::::
#  4 user:other@pve:1:0::::::
#  5 user:off@pve:0:0::::::
#  6 group:gx:member@pve::
#  7 group:gy:other@pve::
#  8 role:R1:VM.Audit:
#  9 role:Alloc:VM.Allocate,Datastore.Allocate,Pool.Allocate:
# 10 acl:1:/access/groups:admin@pve:PVEUserAdmin:
# 11 acl:1:/access/groups/gx:gadmin@pve:PVEUserAdmin:
# 12 acl:1:/access/realm/pve:gadmin@pve:PVEUserAdmin:
# 13 acl:1:/vms:gadmin@pve,off@pve:R1:
# 14 acl:1:/vms/100:gadmin@pve:Alloc:
# 15 acl:1:/storage/local:gadmin@pve:Alloc:
# 16 acl:1:/pool/p1:gadmin@pve:Alloc:
fixture := {"acl": {"/access/groups": {"admin@pve": {"inherit": "s0", "leaf": "s0", "lines": {"PVEUserAdmin": 10}, "roles": {"PVEUserAdmin": true}}}, "/access/groups/gx": {"gadmin@pve": {"inherit": "s0", "leaf": "s0", "lines": {"PVEUserAdmin": 11}, "roles": {"PVEUserAdmin": true}}}, "/access/realm/pve": {"gadmin@pve": {"inherit": "s0", "leaf": "s0", "lines": {"PVEUserAdmin": 12}, "roles": {"PVEUserAdmin": true}}}, "/pool/p1": {"gadmin@pve": {"inherit": "s1", "leaf": "s1", "lines": {"Alloc": 16}, "roles": {"Alloc": true}}}, "/storage/local": {"gadmin@pve": {"inherit": "s1", "leaf": "s1", "lines": {"Alloc": 15}, "roles": {"Alloc": true}}}, "/vms": {"gadmin@pve": {"inherit": "s2", "leaf": "s2", "lines": {"R1": 13}, "roles": {"R1": true}}, "off@pve": {"inherit": "s2", "leaf": "s2", "lines": {"R1": 13}, "roles": {"R1": true}}}, "/vms/100": {"gadmin@pve": {"inherit": "s1", "leaf": "s1", "lines": {"Alloc": 14}, "roles": {"Alloc": true}}}}, "group_acl": {}, "meta": {"flavor": "pve", "catalog_version": "9.1", "superuser": "root@pam", "acl_file": "user.cfg", "user_file": "user.cfg"}, "privileges": {"Datastore.Allocate": 0, "Datastore.AllocateSpace": 1, "Datastore.AllocateTemplate": 2, "Datastore.Audit": 3, "Group.Allocate": 4, "Mapping.Audit": 5, "Mapping.Modify": 6, "Mapping.Use": 7, "Permissions.Modify": 8, "Pool.Allocate": 9, "Pool.Audit": 10, "Realm.Allocate": 11, "Realm.AllocateUser": 12, "SDN.Allocate": 13, "SDN.Audit": 14, "SDN.Use": 15, "Sys.AccessNetwork": 16, "Sys.Audit": 17, "Sys.Console": 18, "Sys.Incoming": 19, "Sys.Modify": 20, "Sys.PowerMgmt": 21, "Sys.Syslog": 22, "User.Modify": 23, "VM.Allocate": 24, "VM.Audit": 25, "VM.Backup": 26, "VM.Clone": 27, "VM.Config.CDROM": 28, "VM.Config.CPU": 29, "VM.Config.Cloudinit": 30, "VM.Config.Disk": 31, "VM.Config.HWType": 32, "VM.Config.Memory": 33, "VM.Config.Network": 34, "VM.Config.Options": 35, "VM.Console": 36, "VM.GuestAgent.Audit": 37, "VM.GuestAgent.FileRead": 38, "VM.GuestAgent.FileSystemMgmt": 39, "VM.GuestAgent.FileWrite": 40, "VM.GuestAgent.Unrestricted": 41, "VM.Migrate": 42, "VM.PowerMgmt": 43, "VM.Replicate": 44, "VM.Snapshot": 45, "VM.Snapshot.Rollback": 46}, "privsets": {"s0": {"Group.Allocate": true, "Realm.AllocateUser": true, "User.Modify": true}, "s1": {"Datastore.Allocate": true, "Pool.Allocate": true, "VM.Allocate": true}, "s2": {"VM.Audit": true}}, "levels": [0, 1, 1, 1], "nodes": {"/access/groups": {}, "/access/groups/gx": {}, "/access/realm/pve": {}, "/pool/p1": {}, "/storage/local": {}, "/vms": {}, "/vms/100": {}}, "pool_of": {}, "user_groups": {"member@pve": {"gx": true}, "other@pve": {"gy": true}}, "tokens": {}, "users": {"admin@pve": {"enable": true, "expire": 0, "line": 1}, "gadmin@pve": {"enable": true, "expire": 0, "line": 2}, "member@pve": {"enable": true, "expire": 0, "line": 3}, "off@pve": {"enable": false, "expire": 0, "line": 5}, "other@pve": {"enable": true, "expire": 0, "line": 4}, "root@pam": {"enable": true, "expire": 0, "line": 0}}}

ce(id, expr, params) := r if {
	r := pxacl.check_expr with input as {"auth_id": id, "expr": expr, "params": params}
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

# §4: root@pam passes everything
test_root if ce("root@pam", ["perm", "/", ["Sys.Modify"]], {})

# §4 perm: templated path, all-of by default, any with "any"
test_perm_template if ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit"]], {"vmid": 200})

test_perm_template_replaced if not ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit"]], {"vmid": 100})

test_perm_any if ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit", "VM.Allocate"], "any", 1], {"vmid": 100})

test_perm_all if not ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit", "VM.Allocate"]], {"vmid": 100})

# §4: a false-y template value ("0", "", missing) becomes "-"
test_perm_falsy_param if ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit"]], {"vmid": "0"})

test_perm_missing_param if ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit"]], {})

# §4: require_param (also spelled require-param)
test_perm_require_param_missing if not ce("gadmin@pve", ["perm", "/pool/{pool}", ["Pool.Allocate"], "require_param", "pool"], {})

test_perm_require_param if ce("gadmin@pve", ["perm", "/pool/{pool}", ["Pool.Allocate"], "require-param", "pool"], {"pool": "p1"})

# §4: an unknown privilege dies; an un-normalizable path has no privileges
test_perm_unknown_privilege if not ce("gadmin@pve", ["perm", "/vms", ["VM.Bogus"]], {})

test_perm_bad_path if not ce("gadmin@pve", ["perm", "/vms/{vmid}", ["VM.Audit"]], {"vmid": "a b"})

# §4 userid-param self
test_self if ce("gadmin@pve", ["userid-param", "self"], {"userid": "gadmin@pve"})

test_self_other if not ce("gadmin@pve", ["userid-param", "self"], {"userid": "member@pve"})

test_self_invalid if not ce("gadmin@pve", ["userid-param", "self"], {"userid": "x"})

test_self_missing_user if not ce("gadmin@pve", ["userid-param", "self"], {"userid": "nobody@pve"})

# §4 userid-param Realm.AllocateUser: on /access/realm/<realm>
test_realm_allocate if ce("gadmin@pve", ["userid-param", "Realm.AllocateUser"], {"userid": "new@pve"})

test_realm_allocate_other_realm if not ce("gadmin@pve", ["userid-param", "Realm.AllocateUser"], {"userid": "new@pam"})

# §4 userid-group
test_group_all_groups if ce("admin@pve", ["userid-group", ["User.Modify"]], {"userid": "other@pve"})

test_group_allowed_group if ce("gadmin@pve", ["userid-group", ["User.Modify"]], {"userid": "member@pve"})

test_group_other_group if not ce("gadmin@pve", ["userid-group", ["User.Modify"]], {"userid": "other@pve"})

test_group_missing_user if not ce("admin@pve", ["userid-group", ["User.Modify"]], {"userid": "nobody@pve"})

test_group_create if ce("gadmin@pve", ["userid-group", ["User.Modify"], "groups_param", "create"], {"userid": "new@pve", "groups": "gx"})

test_group_create_disallowed_group if not ce("gadmin@pve", ["userid-group", ["User.Modify"], "groups_param", "create"], {"userid": "new@pve", "groups": "gx,gy"})

test_group_create_no_groups if not ce("gadmin@pve", ["userid-group", ["User.Modify"], "groups_param", "create"], {"userid": "new@pve"})

test_group_update if ce("gadmin@pve", ["userid-group", ["User.Modify"], "groups_param", "update"], {"userid": "member@pve", "groups": "gx"})

test_group_update_without_groups if not ce("gadmin@pve", ["userid-group", ["User.Modify"], "groups_param", "update"], {"userid": "member@pve"})

# §4.2: the password check of pve-access-control
password := ["or", ["userid-param", "self"], ["and", ["userid-param", "Realm.AllocateUser"], ["userid-group", ["User.Modify"]]]]

test_password_group_admin if ce("gadmin@pve", password, {"userid": "member@pve"})

test_password_self if ce("member@pve", password, {"userid": "member@pve"})

test_password_outside_group if not ce("gadmin@pve", password, {"userid": "other@pve"})

# §4: an "and" inside an "or" raises, so later alternatives are lost
test_and_in_or_raises if not ce("gadmin@pve", ["or", ["and", ["perm", "/access", ["Sys.Audit"]]], ["perm", "/vms", ["VM.Audit"]]], {})

test_or_later_alternative if ce("gadmin@pve", ["or", ["perm", "/access", ["Sys.Audit"]], ["perm", "/vms", ["VM.Audit"]]], {})

test_or_all_fail if not ce("gadmin@pve", ["or", ["perm", "/access", ["Sys.Audit"]], ["perm", "/nodes", ["Sys.Audit"]]], {})

test_and_all_pass if ce("gadmin@pve", ["and", ["perm", "/vms", ["VM.Audit"]], ["userid-param", "self"]], {"userid": "gadmin@pve"})

test_nested_three_levels if ce("gadmin@pve", ["and", ["or", ["and", ["perm", "/vms", ["VM.Audit"]]]]], {})

# §4 perm-modify
test_perm_modify_vm if ce("gadmin@pve", ["perm-modify", "/vms/{vmid}"], {"vmid": 100})

test_perm_modify_vm_without_allocate if not ce("gadmin@pve", ["perm-modify", "/vms/{vmid}"], {"vmid": 200})

test_perm_modify_storage if ce("gadmin@pve", ["perm-modify", "/storage/local"], {})

test_perm_modify_pool if ce("gadmin@pve", ["perm-modify", "/pool/{pool}"], {"pool": "p1"})

test_perm_modify_needs_permissions_modify if not ce("admin@pve", ["perm-modify", "/access/groups"], {})

test_perm_modify_root if ce("root@pam", ["perm-modify", "/access"], {})

# §4: unknown checks die; inactive accounts are denied
test_unknown_check if not ce("gadmin@pve", ["bogus"], {})

test_disabled_user if not ce("off@pve", ["perm", "/vms", ["VM.Audit"]], {})
