package root

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// repoRoot is the module root, where the examples run.
func repoRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// shellSplit splits a command line on blanks, honouring '...' and "...".
func shellSplit(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// allCommands is every command of the tree but help and completion.
func allCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		out = append(out, sub)
		out = append(out, allCommands(sub)...)
	}
	return out
}

// parseOnly are examples that cannot run in a test (a server, a prompt,
// a registry); they must parse.
var parseOnly = map[string]bool{
	"pxacl serve":             true,
	"pxacl user tfa add-totp": true,
	"pxacl bundle push":       true,
}

// offlineLines mark the lines of a parseOnly command's examples that run
// anyway: printing a configuration reaches no registry.
var offlineLines = map[string]string{
	"pxacl bundle push": "--print-opa-config",
}

// Every command's --help has examples, and they work on examples/: each
// runs in-process from the repository root with exit 0 or 1 (never bad
// input), or, for a server or a prompt, parses.
func TestExamples(t *testing.T) {
	root := repoRoot(t)
	t.Chdir(root)
	f, _ := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
	cmds := append([]*cobra.Command{NewCmdRoot(f)}, allCommands(NewCmdRoot(f))...)
	for _, c := range cmds {
		t.Run(c.CommandPath(), func(t *testing.T) {
			if !strings.Contains(c.Example, "$ pxacl") {
				t.Fatalf("no example in --help")
			}
			demo := t.TempDir()
			for _, line := range strings.Split(c.Example, "\n") {
				line = strings.TrimSpace(line)
				if !strings.HasPrefix(line, "$ ") {
					continue
				}
				line = strings.ReplaceAll(strings.TrimPrefix(line, "$ "), "/tmp/pxacl-demo", "\x00")
				line = strings.ReplaceAll(line, "/tmp/", demo+"/out-")
				line = strings.ReplaceAll(line, "\x00", demo+"/config")
				args := shellSplit(line)
				if args[0] == "cp" {
					if out, err := exec.Command("cp", "-r", filepath.Join(root, args[2]), demo+"/config").CombinedOutput(); err != nil {
						t.Fatalf("%s: %v %s", line, err, out)
					}
					continue
				}
				for len(args) > 0 && strings.Contains(args[0], "=") { // VAR=value pxacl ...
					args = args[1:]
				}
				if i := indexOf(args, "|"); i >= 0 {
					args = args[:i]
				}
				if args[0] != "pxacl" {
					t.Fatalf("%s: not a pxacl command", line)
				}
				args = args[1:]
				tf, bufs := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
				offline := offlineLines[c.CommandPath()] != "" && strings.Contains(line, offlineLines[c.CommandPath()])
				// a file under /etc/pxacl/ (a key, a token) or /srv/ (published
				// bundles) exists on a real host only
				hostFile := strings.Contains(line, "/etc/pxacl/") || strings.Contains(line, "/srv/")
				if (parseOnly[c.CommandPath()] && !offline) || hostFile || strings.Contains(line, "|") {
					cmd, rest, err := NewCmdRoot(tf).Find(args)
					if err == nil {
						err = cmd.ParseFlags(rest)
					}
					if err == nil {
						err = cmd.ValidateArgs(cmd.Flags().Args())
					}
					if err != nil || cmd.CommandPath() != c.CommandPath() {
						t.Errorf("%s: does not parse (%v, %s)", line, err, cmd.CommandPath())
					}
					continue
				}
				if code := Run(tf, args); code != 0 && code != 1 {
					t.Errorf("%s: exit %d\n%s%s", line, code, bufs.Out, bufs.ErrOut)
				}
			}
		})
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// Flag values and user, token, role, path and privilege arguments
// complete, the latter from the configuration directory.
func TestCompletion(t *testing.T) {
	pbs, pve := "../../../examples/pbs", "../../../examples/pve"
	for _, tc := range []struct {
		args       []string
		want, miss []string
	}{
		{[]string{"check", "--output-format", ""}, []string{"text", "json", "json-pretty"}, nil},
		{[]string{"check", "--flavor", "p"}, []string{"pbs", "pve"}, nil},
		{[]string{"check", "--engine", ""}, []string{"auto", "rego"}, nil},
		{[]string{"lint", "--pve-version", ""}, []string{"9", "8"}, nil},
		{[]string{"lint", "--fail-level", ""}, []string{"info", "warning", "error"}, nil},
		{[]string{"diff", "--fail-on", "e"}, []string{"escalation"}, []string{"gain"}},
		{[]string{"--config-dir", pbs, "check", "jo"}, []string{"john@pbs", "john@pbs!client1"}, []string{"admin@pbs"}},
		{[]string{"--config-dir", pbs, "check", "john@pbs", "/data"}, []string{"/datastore", "/datastore/store1", "/datastore/store1/secret"}, nil},
		{[]string{"--config-dir", pbs, "check", "john@pbs", "/", "Datastore.B"}, []string{"Datastore.Backup"}, nil},
		{[]string{"--config-dir", pbs, "user", "list-tokens", ""}, []string{"john@pbs", "root@pam"}, []string{"john@pbs!client1"}},
		{[]string{"--config-dir", pbs, "user", "delete-token", "john@pbs", ""}, []string{"client1", "old-laptop"}, []string{"pve-node-01"}},
		{[]string{"--config-dir", pbs, "acl", "update", "/", "Datastore"}, []string{"DatastoreAdmin", "DatastoreReader"}, nil},
		{[]string{"--config-dir", pbs, "acl", "update", "--auth-id", "aud"}, []string{"audit@pbs"}, nil},
		{[]string{"--config-dir", pbs, "user", "permissions", "john@pbs", "--path", "/datastore/store1/"}, []string{"/datastore/store1/ns1"}, nil},
		{[]string{"--config-dir", pbs, "realm", "add", "x1", "--type", ""}, []string{"ldap", "ad", "openid", "pbs"}, []string{"pve"}},
		{[]string{"--config-dir", pve, "realm", "add", "x1", "--type", ""}, []string{"ldap", "ad", "openid", "pve"}, []string{"pbs"}},
		{[]string{"--config-dir", pve, "realm", "modify", "corp-ldap", "--mode", ""}, []string{"ldap", "ldaps", "ldap+starttls"}, nil},
		{[]string{"--config-dir", pve, "who-can", "VM.Power"}, []string{"VM.PowerMgmt"}, nil},
		{[]string{"--config-dir", pve, "who-can", "VM.Audit", "/"}, []string{"/pool/prod", "/vms/101", "/vms"}, nil},
		{[]string{"--config-dir", pve, "check", "druva@pam!"}, []string{"druva@pam!backup", "druva@pam!full"}, nil},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory(cmdutil.DefaultConfigDir)
			cmd := NewCmdRoot(f)
			cmd.SetArgs(append([]string{cobra.ShellCompRequestCmd}, tc.args...))
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, l := range strings.Split(bufs.Out.String(), "\n") {
				if l != "" && !strings.HasPrefix(l, ":") {
					got[strings.SplitN(l, "\t", 2)[0]] = true
				}
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("missing %q in %v", w, got)
				}
			}
			for _, m := range tc.miss {
				if got[m] {
					t.Errorf("unexpected %q in %v", m, got)
				}
			}
		})
	}
}
