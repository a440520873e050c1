package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/pkg/cmdutil/cmdtest"

	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdBuild(t *testing.T) {
	for _, tc := range []struct{ args, want string }{{"", "pxacl.tar.gz"}, {"-o -", "-"}, {"--output x.tgz", "x.tgz"}} {
		f, _ := cmdutil.NewTestFactory(".")
		var got *BuildOptions
		if err := cmdutil.ExecuteArgs(NewCmdBuild(f, func(o *BuildOptions) error { got = o; return nil }), tc.args); err != nil || got.Output != tc.want {
			t.Errorf("%q: err %v, output %q, want %q", tc.args, err, got.Output, tc.want)
		}
	}
}

func TestBuildRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	for _, tc := range []struct {
		name, dir, output, format, want string
		code                            int
	}{
		{"file", "pbs", out, "text", "wrote " + out + " (revision ", 0},
		{"json", "pve", out, "json", `"revision":`, 0},
		{"stdout", "pbs", "-", "text", "\x1f\x8b", 0},
		{"empty dir", "", out, "text", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.dir != "" {
				dir = "../../../../examples/" + tc.dir
			}
			f, bufs := cmdutil.NewTestFactory(dir)
			f.Config.OutputFormat = tc.format
			err := buildRun(&BuildOptions{IO: f.IOStreams, Config: f.Config, Output: tc.output})
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.HasPrefix(bufs.Out.String(), tc.want) && !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out.String()[:min(80, bufs.Out.Len())], tc.want)
			}
		})
	}
}

func TestNewCmdBuildStatic(t *testing.T) {
	for _, tc := range []struct{ args, err string }{
		{"--print-opa-config --url https://cdn.example.com/pxacl.tar.gz --signing-key k.pem", ""},
		{"--print-opa-config", "needs --url"},
		{"--url https://cdn.example.com/pxacl.tar.gz", "goes with --print-opa-config"},
	} {
		got, err := cmdtest.Parse(NewCmdBuild, tc.args)
		if tc.err == "" && (err != nil || !got.PrintConfig || got.URL == "" || got.Signing.KeyFile != "k.pem") {
			t.Errorf("%q: err %v, options %+v", tc.args, err, got)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: err %v, want %q", tc.args, err, tc.err)
		}
	}
}

func TestBuildRunSigned(t *testing.T) {
	key := filepath.Join(t.TempDir(), "hmac")
	if err := os.WriteFile(key, []byte("a-test-secret-of-32-bytes-length\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	for _, tc := range []struct {
		name, url, want string
		print           bool
		code            int
	}{
		{name: "signed file", want: "wrote " + out},
		{name: "static config", print: true, url: "https://cdn.example.com/acl/pxacl.tar.gz", want: "resource: acl/pxacl.tar.gz"},
		{name: "plain http refused", print: true, url: "http://cdn.example.com/pxacl.tar.gz", code: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bufs := cmdutil.NewTestFactory("../../../../examples/pbs")
			o := &BuildOptions{IO: f.IOStreams, Config: f.Config, Output: out, PrintConfig: tc.print, URL: tc.url}
			o.Signing.KeyFile, o.Signing.Alg, o.Signing.KeyID = key, "HS256", "pxacl"
			err := buildRun(o)
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out.String(), tc.want)
			}
			if tc.print || tc.code != 0 {
				return
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte{0x1f, 0x8b}) || !tarHas(t, raw, "/.signatures.json") {
				t.Errorf("the bundle is not signed")
			}
		})
	}
}

func tarHas(t *testing.T, tgz []byte, name string) bool {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return false
		}
		if "/"+strings.TrimPrefix(h.Name, "/") == name {
			return true
		}
	}
}
