# pxacl:config ../../../examples/pbs
package fail_test

import data.pxacl

test_passes if {
	pxacl.tokens["john@pbs!client1"].owner == "john@pbs"
}

test_node_token_can_prune if {
	perms := pxacl.permissions with input as {"auth_id": "pve-backup-user@pbs!pve-node-01", "path": "/datastore/store1"}
	print("node token permissions:", perms)
	pxacl.allow with input as {"auth_id": "pve-backup-user@pbs!pve-node-01", "path": "/datastore/store1", "privileges": ["Datastore.Prune"]}
}

conflict(_) := 1

conflict(_) := 2

test_error if {
	conflict(1) == 1
}
