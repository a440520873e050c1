package tests

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const goodUserCfg = "user: root@pam\n\tcomment Superuser\n\nuser: john@pbs\n\tcomment John\n"

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestBadInput: bad configuration or arguments end with exit 2, a message
// on stderr naming where and what (file:line and the value), nothing on
// stdout, and no file written.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		// files of the config dir; nil means "use a copy of examples/pbs";
		// missing means the config dir does not exist
		files   map[string]string
		missing bool
		// args after --config-dir DIR; default `user permissions john@pbs`
		args []string
		// the bundle is built with these extra global flags (nil: no
		// bundle build run, e.g. for check-only argument errors)
		bundleFlags []string
		want        []string // substrings of stderr
	}{
		{
			name:        "unknown-role",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:1:/:john@pbs:Foo\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:1", "Foo"},
		},
		{
			name:        "bad-authid-in-acl",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:1:/:john@pbs:Admin\nacl:1:/datastore:john:Audit\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:2", "'john'"},
		},
		{
			name:        "acl-four-fields",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:1:/:john@pbs\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:1", "acl:1:/:john@pbs"},
		},
		{
			name:        "acl-comment-line",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:1:/:john@pbs:Admin\n# not allowed in acl.cfg\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:2", "# not allowed in acl.cfg"},
		},
		{
			name:        "acl-bad-propagate",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:2:/:john@pbs:Admin\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:1", "'2'"},
		},
		{
			name:        "user-unknown-key",
			files:       map[string]string{"user.cfg": goodUserCfg + "\tshoesize 42\n", "acl.cfg": "acl:1:/:john@pbs:Admin\n"},
			bundleFlags: []string{},
			want:        []string{"user.cfg:6", "shoesize"},
		},
		{
			name:        "user-duplicate-key",
			files:       map[string]string{"user.cfg": goodUserCfg + "\tcomment again\n", "acl.cfg": "acl:1:/:john@pbs:Admin\n"},
			bundleFlags: []string{},
			want:        []string{"user.cfg:6", "comment"},
		},
		{
			name: "user-comment-too-long",
			files: map[string]string{
				"user.cfg": "user: root@pam\n\tcomment Superuser\n\nuser: john@pbs\n\tcomment " + strings.Repeat("c", 129) + "\n",
				"acl.cfg":  "acl:1:/:john@pbs:Admin\n",
			},
			bundleFlags: []string{},
			// the value is cut by safetext, with its size
			want: []string{"user.cfg:5", strings.Repeat("c", 64) + "... (129 bytes)", "129"},
		},
		{
			// item 11: an editor's UTF-8 BOM is shown, not hidden ("got 'acl'")
			name:        "acl-bom",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "\ufeffacl:1:/:john@pbs:Admin\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:1", `got '\ufeffacl'`},
		},
		{
			// item 11: a 5 MB value gives a short error with its size
			name:        "user-5mb-value",
			files:       map[string]string{"user.cfg": goodUserCfg + "\tenable " + strings.Repeat("y", 5<<20) + "\n", "acl.cfg": "acl:1:/:john@pbs:Admin\n"},
			bundleFlags: []string{},
			want:        []string{"user.cfg:6", "(5242880 bytes)"},
		},
		{
			// item 11: an ESC sequence is escaped, never sent to the terminal
			name:        "acl-esc-role",
			files:       map[string]string{"user.cfg": goodUserCfg, "acl.cfg": "acl:1:/:john@pbs:\x1b[2JAdmin\n"},
			bundleFlags: []string{},
			want:        []string{"acl.cfg:1", `'\x1b[2JAdmin'`},
		},
		{
			name:        "missing-config-dir",
			missing:     true,
			bundleFlags: []string{},
			want:        []string{"no-such-config-dir"},
		},
		{
			name:  "unknown-privilege-argument",
			files: nil,
			args:  []string{"check", "john@pbs", "/datastore/store1", "Datastore.Read", "Datastore.Frobnicate"},
			want:  []string{"Datastore.Frobnicate"},
		},
		{
			name:        "bad-output-format",
			files:       nil,
			args:        []string{"--output-format", "xml", "user", "permissions", "john@pbs"},
			bundleFlags: []string{"--output-format", "xml"},
			want:        []string{"xml"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var dir string
			switch {
			case tc.missing:
				dir = filepath.Join(t.TempDir(), "no-such-config-dir")
			case tc.files == nil:
				dir = copyDir(t, examplesDir())
			default:
				dir = t.TempDir()
				writeFiles(t, dir, tc.files)
			}
			before := dirNames(t, dir)
			args := tc.args
			if args == nil {
				args = []string{"user", "permissions", "john@pbs"}
			}
			check := func(what string, r cliResult) {
				t.Helper()
				if r.code != 2 {
					t.Errorf("%s: want exit 2, got %s", what, r)
				}
				if r.stdout != "" {
					t.Errorf("%s: wrote to stdout: %q", what, r.stdout)
				}
				// values are cut (safetext): no message carries a 5 MB value
				if len(r.stderr) > 1000 || strings.ContainsAny(r.stderr, "\x1b\ufeff") {
					t.Errorf("%s: %d-byte stderr with raw characters? %.300q", what, len(r.stderr), r.stderr)
				}
				for _, w := range tc.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%s: stderr %q does not contain %q", what, r.stderr, w)
					}
				}
			}
			check(strings.Join(args, " "), runPxacl(t, append([]string{"--config-dir", dir}, args...)...))

			if tc.bundleFlags != nil {
				// the bundle goes beside the config (or, for a missing
				// config dir, into its parent): nothing may be written
				outDir := dir
				if tc.missing {
					outDir = filepath.Dir(dir)
					before = dirNames(t, outDir)
				}
				out := filepath.Join(outDir, "out.tar.gz")
				bargs := append([]string{"--config-dir", dir}, tc.bundleFlags...)
				bargs = append(bargs, "bundle", "build", "-o", out)
				check("bundle build", runPxacl(t, bargs...))
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("bundle build wrote %s despite the error (stat: %v)", out, err)
				}
				if after := dirNames(t, outDir); !reflect.DeepEqual(after, before) {
					t.Errorf("bundle build left files behind: before %q, after %q", before, after)
				}
			}
		})
	}
}
