# Invariants of examples/pbs as Rego tests, run by `pxacl test tests/examples`
# with OPA's test runner against pxacl's policies (package pxacl) and the
# compiled data of the configuration named below (data.pxacl.*).
#
# pxacl:config ../../examples/pbs
package pbs_invariants_test

import data.pxacl

# No token can change permissions on any ACL node.
test_no_token_can_modify_permissions if {
	every id, _ in pxacl.tokens {
		every path, _ in pxacl.nodes {
			not pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Permissions.Modify"]}
		}
	}
}

# A token that can back up to a datastore cannot delete backups there.
test_backup_tokens_cannot_delete if {
	every id, _ in pxacl.tokens {
		every path, _ in pxacl.nodes {
			backup_but_not_delete(id, path)
		}
	}
}

backup_but_not_delete(id, path) if {
	not pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Datastore.Backup"]}
}

backup_but_not_delete(id, path) if {
	pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Datastore.Backup"]}
	not pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Datastore.Prune"], "partial": true}
	not pxacl.allow with input as {"auth_id": id, "path": path, "privileges": ["Datastore.Modify"]}
}

# The offsite pull token is read-only.
test_offsite_token_is_read_only if {
	perms := pxacl.permissions with input as {"auth_id": "remote-pull-user@pbs!offsite-token", "path": "/datastore/store1"}
	perms == {"Datastore.Audit": true, "Datastore.Read": true, "Datastore.Verify": true}
}

# Every token belongs to a user that exists.
test_token_owners_exist if {
	every _, t in pxacl.tokens {
		pxacl.users[t.owner]
	}
}
