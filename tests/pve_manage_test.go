package tests

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pxacl/pxacl/evaluator"
)

// druvaPrivs are the 27 privileges of the backup vendor's custom role
// (shared seed "Proxmox User Permissions").
var druvaPrivs = []string{
	"Datastore.Allocate", "Datastore.AllocateSpace", "SDN.Allocate", "SDN.Audit", "SDN.Use",
	"Sys.AccessNetwork", "Sys.Audit", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog",
	"VM.Allocate", "VM.Audit", "VM.Config.CPU", "VM.Config.Disk", "VM.Config.HWType",
	"VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Console",
	"VM.GuestAgent.Audit", "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt",
	"VM.GuestAgent.FileWrite", "VM.GuestAgent.Unrestricted", "VM.PowerMgmt", "VM.Snapshot",
	"VM.Snapshot.Rollback",
}

// pveDir is an empty PVE configuration directory (an empty user.cfg is
// PVE's default: root@pam only).
func pveDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	return dir
}

func pveRun(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	return runPxacl(t, append([]string{"--flavor", "pve", "--config-dir", dir}, args...)...)
}

func mustPVE(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	r := pveRun(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("pxacl %q: %s", args, r)
	}
	return r
}

// treeSnapshot maps every regular file under dir to its content hash and
// fails on anything left in priv/lock or any temp file.
func treeSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(rel, filepath.Join("priv", "lock")+string(filepath.Separator)) {
			t.Errorf("lock left behind: %s", rel)
		}
		if strings.Contains(d.Name(), ".tmp_") {
			t.Errorf("temp file left behind: %s", rel)
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = sha256Hex(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareEngines checks that the native engine, the Rego and the real opa
// binary give the same permissions for every (auth id, path) on the
// written configuration.
func compareEngines(t *testing.T, dir string, ids, paths []string) {
	t.Helper()
	ctx := context.Background()
	ev, err := evaluator.FromConfigDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	evRego, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithEngine(evaluator.Rego))
	if err != nil {
		t.Fatal(err)
	}
	var cases []scenarioCase
	for _, id := range ids {
		for _, p := range paths {
			cases = append(cases, scenarioCase{AuthID: &id, Path: &p})
		}
	}
	opaRes := opaEvalCases(t, dir, cases)
	for i, c := range cases {
		native, err := ev.Permissions(ctx, *c.AuthID, *c.Path)
		if err != nil {
			t.Fatal(err)
		}
		rego, err := evRego.Permissions(ctx, *c.AuthID, *c.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(native, rego) || !reflect.DeepEqual(native, opaRes[i].Permissions) {
			t.Errorf("%s on %s: native %v, rego %v, opa %v", *c.AuthID, *c.Path, native, rego, opaRes[i].Permissions)
		}
	}
}

// TestPVEManageVendorWalkthrough is the README's backup-vendor
// walkthrough: the custom role with its 27 privileges, the PAM user with
// an expiry, the ACL on / with propagation, then check and pxacl test.
func TestPVEManageVendorWalkthrough(t *testing.T) {
	dir := pveDir(t)
	mustPVE(t, dir, "role", "add", "druva_backup_restore", "--privs", strings.Join(druvaPrivs, ","))
	mustPVE(t, dir, "user", "add", "proxmox_user@pam", "--expire", "4102444800", "--enable", "1",
		"--firstname", "DruvaProxmox", "--lastname", "Proxmox", "--email", "druva_user@druva.org")
	mustPVE(t, dir, "acl", "modify", "/", "--users", "proxmox_user@pam", "--roles", "druva_backup_restore", "--propagate", "1")
	raw, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	for _, line := range []string{
		"user:proxmox_user@pam:1:4102444800:DruvaProxmox:Proxmox:druva_user@druva.org:::\n",
		"role:druva_backup_restore:" + sortedJoin(druvaPrivs) + ":\n",
		"acl:1:/:proxmox_user@pam:druva_backup_restore:\n",
	} {
		if !strings.Contains(string(raw), line) {
			t.Errorf("user.cfg lacks %q:\n%s", line, raw)
		}
	}
	if n := len(strings.Split(sortedJoin(druvaPrivs), ",")); n != 27 {
		t.Fatalf("%d privileges, want 27", n)
	}
	for _, path := range []string{"/vms/100", "/storage/local"} {
		for _, p := range druvaPrivs {
			if r := runPxacl(t, "--config-dir", dir, "check", "proxmox_user@pam", path, p); r.code != 0 {
				t.Errorf("check %s %s: %s", path, p, r)
			}
		}
	}
	yaml := "config: " + dir + "\ntests:\n" +
		"  - name: the backup user holds the vendor's privileges on VMs\n    auth_id: proxmox_user@pam\n    path: /vms/100\n    allow: [" + strings.Join(druvaPrivs, ", ") + "]\n    deny: [Permissions.Modify, User.Modify]\n" +
		"  - name: and on storage\n    auth_id: proxmox_user@pam\n    path: /storage/local\n    allow: [" + strings.Join(druvaPrivs, ", ") + "]\n"
	file := filepath.Join(t.TempDir(), "vendor.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runPxacl(t, "test", file); r.code != 0 {
		t.Errorf("pxacl test: %s", r)
	}
	compareEngines(t, dir, []string{"proxmox_user@pam", "root@pam"}, []string{"/", "/vms/100", "/storage/local", "/access"})
}

func sortedJoin(s []string) string {
	c := append([]string{}, s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return strings.Join(c, ",")
}

// TestPVEManagePveumExamples: the pveum examples of the PVE user
// management chapter write the lines PVE writes. The first one is refused
// by PVE 8 and 9 (role ids starting with "PVE" are reserved), and so by
// pxacl, with every file unchanged.
func TestPVEManagePveumExamples(t *testing.T) {
	dir := pveDir(t)
	before := treeSnapshot(t, dir)
	r := pveRun(t, dir, "role", "add", "PVE_Power-only", "--privs", "VM.PowerMgmt VM.Console")
	if r.code != 2 || !strings.Contains(r.stderr, "cannot use role ID starting with the (case-insensitive) 'PVE' namespace") {
		t.Errorf("roleadd PVE_Power-only: %s", r)
	}
	if after := treeSnapshot(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("files changed: %v -> %v", before, after)
	}
	mustPVE(t, dir, "role", "add", "Sys_Power-only", "--privs", "Sys.PowerMgmt Sys.Console")
	mustPVE(t, dir, "role", "add", "VM_Power-only", "--privs", "VM.PowerMgmt VM.Console")
	mustPVE(t, dir, "group", "add", "admin", "--comment", "System Administrators")
	mustPVE(t, dir, "acl", "modify", "/", "--groups", "admin", "--roles", "Administrator")
	mustPVE(t, dir, "user", "add", "testuser@pve", "--comment", "Just a test", "--groups", "admin")
	mustPVE(t, dir, "group", "add", "developers", "--comment", "Our software developers")
	mustPVE(t, dir, "acl", "modify", "/vms/100", "--groups", "developers", "--roles", "PVEVMUser", "--propagate", "0")
	want := "user:root@pam:1:0::::::\n" +
		"user:testuser@pve:1:0::::Just a test::\n\n" +
		"group:admin:testuser@pve:System Administrators:\n" +
		"group:developers::Our software developers:\n\n\n" +
		"role:Sys_Power-only:Sys.Console,Sys.PowerMgmt:\n" +
		"role:VM_Power-only:VM.Console,VM.PowerMgmt:\n\n" +
		"acl:1:/:@admin:Administrator:\n" +
		"acl:0:/vms/100:@developers:PVEVMUser:\n"
	if raw, _ := os.ReadFile(filepath.Join(dir, "user.cfg")); string(raw) != want {
		t.Errorf("user.cfg:\n%s\nwant:\n%s", raw, want)
	}
	compareEngines(t, dir, []string{"testuser@pve", "ghost@pve"}, []string{"/", "/vms/100", "/vms/101"})
}

// TestPVEManageRejected: bad input exits 2 with every file byte-identical
// and no lock or temp file left.
func TestPVEManageRejected(t *testing.T) {
	dir := copyDir(t, filepath.Join(moduleRoot, "examples", "pve"))
	mustPVE(t, dir, "user", "token", "add", "alice@pve", "t1")
	before := treeSnapshot(t, dir)
	for _, args := range [][]string{
		{"user", "add", "alice@pve"},
		{"user", "add", "no-realm"},
		{"user", "modify", "nobody@pve", "--comment", "x"},
		{"user", "add", "bob@pve", "--groups", "nosuch"},
		{"user", "delete", "nobody@pve"},
		{"user", "token", "add", "nobody@pve", "t"},
		{"user", "token", "add", "alice@pve", "t1"},
		{"user", "token", "remove", "alice@pve", "nosuch"},
		{"group", "add", "auditors"},
		{"group", "delete", "nosuch"},
		{"role", "add", "R1", "--privs", "VM.Monitor"},
		{"role", "modify", "PVEAuditor", "--privs", "VM.Audit"},
		{"role", "delete", "Administrator"},
		{"role", "delete", "nosuch"},
		{"pool", "add", "a/b"},
		{"pool", "modify", "test", "--vms", "100"},
		{"pool", "modify", "nosuch", "--vms", "300"},
		{"pool", "delete", "prod"},
		{"acl", "modify", "/users", "--users", "alice@pve", "--roles", "PVEAuditor"},
		{"acl", "modify", "/vms/100", "--users", "alice@pve", "--roles", "NoSuchRole"},
		{"acl", "modify", "/vms/100", "--users", "nobody@pve", "--roles", "PVEAuditor"},
		{"acl", "modify", "/vms/100", "--groups", "nosuch", "--roles", "PVEAuditor"},
		{"acl", "modify", "/vms/100", "--tokens", "alice@pve!nosuch", "--roles", "PVEAuditor"},
		{"acl", "modify", "/vms/100", "--roles", "PVEAuditor"},
		{"acl", "modify", "/vms/100", "--users", "alice@pve", "--roles", "PVEAuditor", "--digest", strings.Repeat("0", 64)},
	} {
		if r := pveRun(t, dir, args...); r.code != 2 || r.stderr == "" {
			t.Errorf("pxacl %q: want exit 2 with a message, got %s", args, r)
		}
		if after := treeSnapshot(t, dir); !reflect.DeepEqual(before, after) {
			t.Fatalf("pxacl %q changed files", args)
		}
	}
}

// TestPVEManageDeletes: what deleting a user, group or role removes, as
// PVE does (docs: config/pve/store users.go, groups.go, roles.go).
func TestPVEManageDeletes(t *testing.T) {
	dir := copyDir(t, filepath.Join(moduleRoot, "examples", "pve"))
	gen := mustPVE(t, dir, "--output-format", "json", "user", "token", "add", "alice@pve", "t1")
	mustPVE(t, dir, "acl", "modify", "/vms/100", "--tokens", "alice@pve!t1", "--users", "alice@pve", "--roles", "PVEVMUser")
	mustPVE(t, dir, "user", "delete", "alice@pve")
	raw, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	s := string(raw)
	if strings.Contains(s, "user:alice@pve") || strings.Contains(s, "token:alice@pve") || strings.Contains(s, "alice@pve,") || strings.Contains(s, ":alice@pve:") {
		t.Errorf("alice is still in user.cfg:\n%s", s)
	}
	// PVE keeps the token's ACL entry (dropped on the next read) and its secret
	if !strings.Contains(s, "acl:1:/vms/100:alice@pve!t1:PVEVMUser:") {
		t.Errorf("the token's ACL line, which PVE keeps, is gone:\n%s", s)
	}
	tok, _ := os.ReadFile(filepath.Join(dir, "priv", "token.cfg"))
	if !strings.Contains(gen.stdout, "alice@pve!t1") || !strings.Contains(string(tok), "alice@pve!t1 ") {
		t.Errorf("token.cfg %q", tok)
	}
	mustPVE(t, dir, "group", "delete", "operators")
	mustPVE(t, dir, "role", "delete", "druva_backup_restore")
	raw, _ = os.ReadFile(filepath.Join(dir, "user.cfg"))
	s = string(raw)
	if strings.Contains(s, "@operators") {
		t.Errorf("group ACL entries kept:\n%s", s)
	}
	if !strings.Contains(s, "acl:1:/:druva@pam:druva_backup_restore:") {
		t.Errorf("PVE keeps ACL entries of a deleted role:\n%s", s)
	}
	compareEngines(t, dir, []string{"druva@pam", "alice@pve", "alice@pve!t1", "deploy@pve"}, []string{"/", "/vms/100", "/vms/101", "/pool/prod"})
}

// TestPVEManageConcurrent: 30 concurrent acl modify on different paths and
// 30 concurrent user add, in separate processes, lose nothing.
func TestPVEManageConcurrent(t *testing.T) {
	dir := copyDir(t, filepath.Join(moduleRoot, "examples", "pve"))
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if r := pveRun(t, dir, "acl", "modify", "/vms/"+strconv.Itoa(1000+i), "--users", "alice@pve", "--roles", "PVEVMUser"); r.code != 0 {
				t.Errorf("acl modify %d: %s", i, r)
			}
		}()
		go func() {
			defer wg.Done()
			if r := pveRun(t, dir, "user", "add", "u"+strconv.Itoa(i)+"@pve"); r.code != 0 {
				t.Errorf("user add %d: %s", i, r)
			}
		}()
	}
	wg.Wait()
	raw, _ := os.ReadFile(filepath.Join(dir, "user.cfg"))
	for i := range 30 {
		if !strings.Contains(string(raw), "acl:1:/vms/"+strconv.Itoa(1000+i)+":alice@pve:PVEVMUser:\n") {
			t.Errorf("lost acl /vms/%d", 1000+i)
		}
		if !strings.Contains(string(raw), "user:u"+strconv.Itoa(i)+"@pve:1:0:") {
			t.Errorf("lost user u%d@pve", i)
		}
	}
	treeSnapshot(t, dir) // no lock or temp file left
	compareEngines(t, dir, []string{"alice@pve", "u1@pve"}, []string{"/vms/1000", "/vms/1029", "/vms/100"})
}
