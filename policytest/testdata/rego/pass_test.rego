# pxacl:config ../../../examples/pbs
package pass_test

import data.pxacl

test_offsite_token_cannot_back_up if {
	not pxacl.allow with input as {"auth_id": "remote-pull-user@pbs!offsite-token", "path": "/datastore/store1", "privileges": ["Datastore.Backup"]}
}

test_five_nodes_with_entries if {
	count(pxacl.nodes) == 5
}

helper := 1 # not a test
