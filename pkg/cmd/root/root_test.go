package root

import (
	"os"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/internal/buildinfo"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// execute runs the command line in-process and returns stdout and the error.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	f, bufs := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
	root := NewCmdRoot(f)
	root.SetArgs(args)
	err := root.Execute()
	return bufs.Out.String(), err
}

// run runs the command line in-process and returns the exit code.
func run(args []string) int {
	f, _ := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
	return Run(f, args)
}

func TestUnknownSubcommandFails(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		wantMsg string
	}{
		{[]string{"bundle", "bulid"}, "Did you mean this?\n\tbuild"},
		{[]string{"user", "perms", "x"}, `unknown command "perms" for "pxacl user"`},
		{[]string{"nosuch"}, `unknown command "nosuch" for "pxacl"`},
		{[]string{"user", "tfa", "lst"}, "Did you mean this?\n\tlist"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := execute(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantMsg)
			}
			if code := run(tc.args); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
}

func TestGroupWithoutSubcommandPrintsHelp(t *testing.T) {
	out, err := execute(t, "bundle")
	if err != nil || !strings.Contains(out, "Available Commands:") {
		t.Fatalf("pxacl bundle: err %v, output %q", err, out)
	}
}

func TestVersion(t *testing.T) {
	want := buildinfo.Read().String()
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := execute(t, args...)
		if err != nil || out != want {
			t.Errorf("pxacl %s: err %v, output %q, want %q", args[0], err, out, want)
		}
	}
}

// A missing or empty config dir is an error with one wording for every
// command that reads one, whatever the flavor.
func TestMissingOrEmptyConfigDir(t *testing.T) {
	empty := t.TempDir()
	missing := empty + "/nope"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--flavor", "pve", "--config-dir", missing, "check", "root@pam", "/", "Sys.Audit"}, "config dir " + missing + ": no such directory"},
		{[]string{"--config-dir", missing, "check", "root@pam", "/", "Sys.Audit"}, "no such directory"},
		{[]string{"--config-dir", empty, "check", "root@pam", "/", "Sys.Audit"}, "holds none of user.cfg, acl.cfg, domains.cfg"},
		{[]string{"--flavor", "pve", "--config-dir", empty, "bundle", "build", "-o", empty + "/b.tar.gz"}, "holds none of"},
		{[]string{"--config-dir", empty, "user", "permissions", "root@pam"}, "holds none of"},
		{[]string{"--config-dir", empty, "who-can", "Sys.Audit", "/"}, "holds none of"},
		{[]string{"--config-dir", empty, "lint"}, "holds none of"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := execute(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if code := run(tc.args); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
}

// check-expr refuses what PVE would not evaluate, even for root@pam, who
// passes every well-formed check (docs/semantics.md pve §4).
func TestCheckExprRejectsMalformed(t *testing.T) {
	base := []string{"--config-dir", "../../../examples/pve", "check-expr", "root@pam"}
	for _, tc := range []struct{ expr, want string }{
		{`["prem","/vms/1",["VM.Audit"]]`, "unknown permission test"},
		{`["perm","/vms/1",["VM.Bogus"]]`, "unknown privilege 'VM.Bogus'"},
		{`["perm","/vms/{vmid}",["VM.Audit"]]`, "parameter 'vmid' is not given"},
		{`["perm","/vms/1"`, "EXPR-JSON"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			args := append(append([]string{}, base...), tc.expr)
			_, err := execute(t, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if code := run(args); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
	args := append(append([]string{}, base...), `["perm","/vms/{vmid}",["VM.Audit"]]`, "--param", "vmid=100")
	if code := run(args); code != 0 {
		t.Errorf("a well-formed check for root@pam: exit code %d, want 0", code)
	}
}

// --bundle is accepted by exactly the commands that answer from a bundle.
func TestBundleFlag(t *testing.T) {
	dir := t.TempDir()
	b := dir + "/b.tar.gz"
	if code := run([]string{"--config-dir", "../../../examples/pbs", "bundle", "build", "-o", b}); code != 0 {
		t.Fatalf("bundle build: exit %d", code)
	}
	for _, tc := range []struct {
		args []string
		want string // "" = accepted
	}{
		{[]string{"--bundle", b, "check", "john@pbs", "/datastore/store1", "Datastore.Backup"}, ""},
		{[]string{"--bundle", b, "user", "permissions", "john@pbs"}, ""},
		{[]string{"--bundle", b, "explain", "john@pbs", "/datastore/store1", "Datastore.Backup"}, ""},
		{[]string{"--bundle", b, "--config-dir", "../../../examples/pbs", "check", "john@pbs", "/", "Sys.Audit"}, "either --bundle or --config-dir"},
		{[]string{"--bundle", b, "user", "list"}, "pxacl user list reads the configuration files and cannot answer from --bundle"},
		{[]string{"--bundle", b, "acl", "list"}, "cannot answer from --bundle"},
		{[]string{"--bundle", b, "who-can", "Datastore.Backup", "/"}, "cannot answer from --bundle"},
		{[]string{"--bundle", b, "lint"}, "cannot answer from --bundle"},
		{[]string{"--bundle", b, "bundle", "build", "-o", dir + "/c.tar.gz"}, "cannot answer from --bundle"},
		{[]string{"--bundle", b, "user", "tfa", "list"}, "cannot answer from --bundle"},
	} {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			_, err := execute(t, tc.args...)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// --flavor pve reads /etc/pve unless --config-dir or $PXACL_CONFIG_DIR says
// otherwise; an unknown flavor is refused before anything is read.
func TestFlavorDefaultsAndValidation(t *testing.T) {
	t.Setenv("PXACL_CONFIG_DIR", "")
	for _, tc := range []struct {
		name    string
		env     string
		args    []string
		wantDir string
		wantErr string
	}{
		{"pve default", "", []string{"--flavor", "pve", "version"}, cmdutil.DefaultPVEConfigDir, ""},
		{"pbs default", "", []string{"--flavor", "pbs", "version"}, cmdutil.DefaultConfigDir, ""},
		{"detected", "", []string{"version"}, cmdutil.DefaultConfigDir, ""},
		{"explicit dir wins", "", []string{"--flavor", "pve", "--config-dir", "/x", "version"}, "/x", ""},
		{"environment wins", "/y", []string{"--flavor", "pve", "version"}, "/y", ""},
		{"unknown flavor", "", []string{"--flavor", "pmg", "version"}, "", `unknown flavor "pmg"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PXACL_CONFIG_DIR", tc.env)
			f, _ := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
			if tc.env != "" {
				f.Config.Dir = tc.env // as NewConfig reads it
			}
			cmd := NewCmdRoot(f)
			cmd.SetArgs(tc.args)
			err := cmd.Execute()
			if cmdtest.ExpectErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || f.Config.Dir != tc.wantDir {
				t.Fatalf("err %v, dir %q; want %q", err, f.Config.Dir, tc.wantDir)
			}
		})
	}
	// Without /etc/pve (no PVE host), PVE commands say so (exit 2).
	if _, err := os.Stat(cmdutil.DefaultPVEConfigDir); err == nil {
		return
	}
	if code := run([]string{"--flavor", "pve", "check", "root@pam", "/", "Sys.Audit"}); code != 2 {
		t.Errorf("--flavor pve without /etc/pve: exit %d, want 2", code)
	}
}
