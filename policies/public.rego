# METADATA
# title: pxacl
# description: |
#   Proxmox Backup Server and Proxmox VE access control, decided exactly as
#   Proxmox decides it (docs/semantics.md) over the data document compiled
#   by pxacl: data.pxacl.acl[path][auth_id] is, per ACL node and subject,
#   the key of the entry's kind; data.pxacl.kinds[key] holds its roles and,
#   as keys into data.pxacl.privsets, the privilege set that applies at the
#   node itself ("leaf") and the one that propagates below it ("inherit").
#   The rules of this package are the API: allow, permissions, explain,
#   check_expr and nodes. Every other rule is in package pxacl.lib
#   (internal).
package pxacl

import data.pxacl.lib

# Only the public rules (and the fast rules of allow, fast_pbs.rego and
# fast_pve.rego; a bundle carries its flavor's) are in
# package pxacl. When OPA activates a delta bundle it checks every rule path
# of the policies against the data (ast.CheckPathConflicts): for a rule of
# package pxacl that reads the whole of data.pxacl, patched, which is a copy
# of it per rule; for a rule of pxacl.lib it stops at data.pxacl.lib, an
# empty object the compiler writes (docs/benchmarks.md, "Delta bundles").
# This module sorts after the fast modules, so that allow tries the fast
# rules first.

# METADATA
# title: allow
# description: |
#   True when input.auth_id is active (§4.2) and holds the requested
#   privileges on input.path: all of input.privileges, any of them with
#   input.partial, or input.privilege. Malformed input denies.
# entrypoint: true
default allow := false

# the general rules: pxacl.rego (PBS) and pve.rego (PVE)
allow if lib.allow

# METADATA
# title: permissions
# description: |
#   The effective privileges of input.auth_id on input.path as
#   {"Priv.Name": propagate}, as PBS's lookup_privs_details computes them
#   (§3.4; enable and expire are not considered). {} when none.
# entrypoint: true
default permissions := {}

permissions := lib.permissions

# METADATA
# title: explain
# description: |
#   A structured account of the decision for the input of allow: whether
#   the auth id is active and why not, every ACL entry found on the path
#   for the auth id (and the owner of a token) with its roles, the entry
#   that decided, the entries it replaced, the token clamp, the privileges
#   held and missing, and the user's second factors. "known" says whether
#   the auth id is configured at all. With no privilege asked ("listing"),
#   "grants" lists every effective privilege with the ACL roles that grant
#   it (it does so for a decision too). The bundle holds no acl.cfg line
#   numbers (a line added above would change every entry below it); pxacl
#   explain adds them from the configuration.
# entrypoint: true
explain := lib.explain

# METADATA
# title: check_expr
# description: |
#   Proxmox VE: true when PVE's check_api2_permissions would allow the
#   permission-check expression input.expr (an API method's "check") for
#   input.auth_id with the request parameters input.params (docs/semantics.md
#   pve §4). False on a PBS document.
# entrypoint: true
default check_expr := false

check_expr if lib.check_expr

# METADATA
# title: nodes
# description: |
#   The ACL nodes that carry entries (of users, tokens or groups): the
#   paths of data.pxacl.acl and data.pxacl.group_acl. For policies and
#   tests over the whole tree; no decision reads it.
# entrypoint: true
nodes contains path if some path, _ in data.pxacl.acl

nodes contains path if some path, _ in data.pxacl.group_acl
