# Proxmox VE permission-check expressions (docs/semantics.md pve §4):
# data.pxacl.check_expr with input {"auth_id", "expr", "params"} is true when
# PVE's check_api2_permissions would allow the check expression expr (the
# "check" of an API method's permissions) for the auth id with the given
# request parameters. Each sub-check evaluates to "pass", "fail" (returned 0
# under noerr) or "raise" (a 403 that aborts everything). Rego has no
# recursion, so and/or nest up to three levels (upstream nests two).
package pxacl.lib

default check_expr := false

# root@pam passes every check (§4)
check_expr if {
	pve
	active
	auth_id == data.pxacl.meta.superuser
}

check_expr if {
	pve
	active
	auth_id != data.pxacl.meta.superuser
	expr_node3(input.expr, false) == "pass"
}

# expr_params are the request parameters
expr_params := input.params if is_object(input.params)

else := {}

# expr_failed: "fail" under noerr, else "raise"
expr_failed(true) := "fail"

expr_failed(false) := "raise"

expr_status(ok, noerr) := "pass" if ok

else := expr_failed(noerr)

# ---------------------------------------------------------------------------
# and / or, unrolled three levels deep
# ---------------------------------------------------------------------------

expr_node3(e, noerr) := expr_combine(e, [expr_node2(s, expr_sub_noerr(e)) | some s in array.slice(e, 1, count(e))], noerr) if {
	expr_is_junction(e)
} else := expr_leaf(e, noerr)

expr_node2(e, noerr) := expr_combine(e, [expr_node1(s, expr_sub_noerr(e)) | some s in array.slice(e, 1, count(e))], noerr) if {
	expr_is_junction(e)
} else := expr_leaf(e, noerr)

expr_node1(e, noerr) := expr_combine(e, [expr_leaf(s, expr_sub_noerr(e)) | some s in array.slice(e, 1, count(e))], noerr) if {
	expr_is_junction(e)
} else := expr_leaf(e, noerr)

expr_is_junction(e) if {
	is_array(e)
	e[0] in {"and", "or"}
}

# "and" runs its sub-checks without noerr (a failure raises), "or" with it
expr_sub_noerr(e) := e[0] == "or"

# and: every sub-check passes, else it raised; or: the first sub-check that
# did not merely fail decides, and if all failed, or fails (raises without
# noerr)
expr_combine(e, results, noerr) := "pass" if {
	e[0] == "and"
	every r in results {
		r == "pass"
	}
} else := "raise" if {
	e[0] == "and"
} else := results[k] if {
	k := min({i | some i, r in results; r != "fail"})
} else := expr_failed(noerr)

# ---------------------------------------------------------------------------
# Leaves
# ---------------------------------------------------------------------------

# ["perm", pathTemplate, [privs], ("any", 1 | "require_param", name)...]
expr_leaf(e, noerr) := "raise" if {
	e[0] == "perm"
	some p in e[2]
	not data.pxacl.privileges[p] # verify_privname dies
} else := expr_failed(noerr) if {
	e[0] == "perm"
	name := expr_option(e, "require_param")
	not expr_params[name]
} else := expr_status(expr_holds_b(expr_privs_at(expr_path(e[1])), e[2], expr_any(e)), noerr) if {
	e[0] == "perm"
} else := "raise" if {
	# userid-param self: verify_username dies on an invalid userid
	e == ["userid-param", "self"]
	not pve_valid_userid(expr_params.userid)
} else := expr_failed(noerr) if {
	e == ["userid-param", "self"]
	not data.pxacl.users[expr_params.userid]
} else := expr_status(auth_id == expr_params.userid, noerr) if {
	e == ["userid-param", "self"]
} else := expr_status(expr_holds_b(expr_privs_at(concat("", ["/access/realm/", realm])), ["Realm.AllocateUser"], false), noerr) if {
	e == ["userid-param", "Realm.AllocateUser"]
	realm := regex.find_all_string_submatch_n(`@([^@]*)$`, expr_params.userid, 1)[0][1]
} else := expr_userid_group(e, noerr) if {
	e[0] == "userid-group"
} else := expr_status(expr_perm_modify_b(expr_path(e[1])), noerr) if {
	e[0] == "perm-modify"
} else := expr_failed(noerr) if {
	e[0] == "perm-modify"
} else := "raise"

# expr_option(e, key): the value after key among the options of a perm or
# userid-group check (pve-docs spells require_param "require-param")
expr_option(e, key) := v if {
	some i in numbers.range(3, count(e) - 2)
	replace(e[i], "-", "_") == key
	v := e[i + 1]
} else := v if {
	# userid-group: ["userid-group", [privs], "groups_param", "create"]
	some i in numbers.range(2, count(e) - 2)
	replace(e[i], "-", "_") == key
	v := e[i + 1]
}

# expr_any(e): the "any" option is set (any-of instead of all-of)
expr_any(e) if expr_truthy(expr_option(e, "any"))

else := false

# the boolean forms of the checks below: false, never undefined
expr_holds_b(privs, want, any_of) if expr_holds(privs, want, any_of)

else := false

expr_perm_modify_b(path) if expr_perm_modify(path)

else := false

expr_in_allowed_group_b(e) if expr_in_allowed_group(e)

else := false

expr_holds(privs, want, true) if {
	some p in want
	privs[p] != null
}

expr_holds(privs, want, false) if {
	every p in want {
		privs[p] != null
	}
}

expr_truthy(v) if {
	v
	v != 0
	v != ""
	v != "0"
}

# expr_privs_at(path): permissions(auth_id, path) ({} for no path)
expr_privs_at(path) := p if {
	p := data.pxacl.permissions with input as {"auth_id": auth_id, "path": path}
}

# expr_path(template): template_replace then normalize_path (§4): {name}
# becomes the parameter, or "-" when it is false-y (undef, "", "0")
expr_path(template) := p if {
	names := {m[1] | some m in regex.find_all_string_submatch_n(`\{([^{}]*)\}`, template, -1)}
	filled := strings.replace_n({concat("", ["{", n, "}"]): expr_value(n) | some n in names}, template)
	p := expr_normalize(regex.replace(filled, `/+`, "/"))
}

expr_value(name) := sprintf("%v", [expr_params[name]]) if {
	expr_truthy(expr_params[name])
} else := "-"

expr_normalize(p) := n if {
	t := trim_suffix(p, "/")
	s := expr_rooted(t)
	regex.match(`^[A-Za-z0-9.\-_/]+$`, s)
	n := s
}

expr_rooted("") := "/"

expr_rooted(t) := t if startswith(t, "/")

expr_rooted(t) := concat("", ["/", t]) if {
	t != ""
	not startswith(t, "/")
}

# check_perm_modify (§4)
expr_perm_modify(path) if expr_privs_at(path)["Permissions.Modify"] != null

expr_perm_modify(path) if {
	regex.match(`^/storage/.+$`, path)
	expr_privs_at(path)["Datastore.Allocate"] != null
}

expr_perm_modify(path) if {
	regex.match(`^/vms/.+$`, path)
	expr_privs_at(path)["VM.Allocate"] != null
}

expr_perm_modify(path) if {
	regex.match(`^/pool/.+$`, path)
	expr_privs_at(path)["Pool.Allocate"] != null
}

# ["userid-group", [privs], "groups_param", "create"|"update"] (§4)
expr_userid_group(e, noerr) := expr_failed(noerr) if {
	expr_check_existing(e)
	not data.pxacl.users[expr_params.userid]
} else := "pass" if {
	expr_holds(expr_privs_at("/access/groups"), e[1], true)
} else := "raise" if {
	expr_option(e, "groups_param")
	count(expr_listed_groups) == 0
} else := "raise" if {
	expr_option(e, "groups_param")
	some g in expr_listed_groups
	not expr_holds(expr_privs_at(concat("", ["/access/groups/", g])), e[1], true)
} else := expr_status(expr_in_allowed_group_b(e), noerr) if {
	expr_check_existing(e)
} else := "pass"

expr_check_existing(e) if not expr_option(e, "groups_param")

expr_check_existing(e) if expr_option(e, "groups_param") != "create"

expr_listed_groups := [g |
	some g in split(replace(replace(object.get(expr_params, "groups", ""), ";", ","), " ", ","), ",")
	g != ""
]

expr_in_allowed_group(e) if {
	some g, _ in data.pxacl.user_groups[expr_params.userid]
	expr_holds(expr_privs_at(concat("", ["/access/groups/", g])), e[1], true)
}
