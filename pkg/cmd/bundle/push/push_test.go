package push

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

func TestNewCmdPush(t *testing.T) {
	for _, tc := range []struct {
		args, bundleFile string
		want             PushOptions
		err              string
	}{
		{args: "r.example.com/acl/pxacl:latest", want: PushOptions{Ref: "r.example.com/acl/pxacl:latest", Title: "pxacl.tar.gz", MinDelay: 60, MaxDelay: 120}},
		{args: "10.0.0.1:5000/acl/pxacl:v1 --insecure --title acl.tar.gz", want: PushOptions{Ref: "10.0.0.1:5000/acl/pxacl:v1", Insecure: true, Title: "acl.tar.gz", MinDelay: 60, MaxDelay: 120}},
		{args: "r.example.com/a:b --print-opa-config --min-delay 5 --max-delay 9 --token-env REG_TOKEN --signing-key k.pem --signing-alg ES256", want: PushOptions{Ref: "r.example.com/a:b", Title: "pxacl.tar.gz", PrintConfig: true, MinDelay: 5, MaxDelay: 9, TokenEnv: "REG_TOKEN"}},
		{args: "r.example.com/a:b --signing-key k.pem", bundleFile: "b.tar.gz", err: "pushed as is"},
		{args: "r.example.com/a:b --signing-key k.pem --print-opa-config", bundleFile: "b.tar.gz", want: PushOptions{Ref: "r.example.com/a:b", Title: "pxacl.tar.gz", PrintConfig: true, MinDelay: 60, MaxDelay: 120}},
		{args: "", err: "accepts 1 arg"},
		{args: "a b", err: "accepts 1 arg"},
		{args: "r.example.com/a@sha256:" + strings.Repeat("0", 64), err: "registry/repository:tag"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			f, _ := cmdutil.NewTestFactory(".")
			f.Config.BundleFile = tc.bundleFile
			var got *PushOptions
			err := cmdutil.ExecuteArgs(NewCmdPush(f, func(o *PushOptions) error { got = o; return nil }), tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			g.IO, g.Config, g.Signing = nil, nil, tc.want.Signing
			if g != tc.want {
				t.Errorf("got %+v\nwant %+v", g, tc.want)
			}
		})
	}
}

func writeECKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPushRun(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials of this machine
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	key := writeECKey(t)
	built := filepath.Join(t.TempDir(), "pxacl.tar.gz")
	b, err := bundle.BuildDir("../../../../examples/pbs", compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteFile(built); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, bundleFile, format string
		signed, print                 bool
		want                          string
		code                          int
	}{
		{name: "config dir", dir: "pbs", format: "text", want: "pushed " + host + "/acl/pxacl:latest@sha256:"},
		{name: "signed, json", dir: "pve", format: "json", signed: true, want: `"bundle_digest":"sha256:`},
		{name: "bundle file", bundleFile: built, format: "text", want: "(revision " + b.Manifest.Revision},
		{name: "not a bundle", bundleFile: "../../../../examples/pbs/acl.cfg", format: "text", code: 2},
		{name: "empty dir", dir: "", format: "text", code: 2},
		{name: "print config", dir: "pbs", format: "text", signed: true, print: true, want: "type: oci"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.dir != "" {
				dir = "../../../../examples/" + tc.dir
			}
			f, bufs := cmdutil.NewTestFactory(dir)
			f.Config.OutputFormat, f.Config.BundleFile = tc.format, tc.bundleFile
			o := &PushOptions{IO: f.IOStreams, Config: f.Config, Ref: host + "/acl/pxacl:latest", PrintConfig: tc.print, MinDelay: 1, MaxDelay: 2}
			if tc.signed {
				o.Signing.KeyFile, o.Signing.Alg, o.Signing.KeyID = key, "ES256", "pxacl"
			}
			err := pushRun(context.Background(), o)
			if code := cmdutil.ExitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if !strings.Contains(bufs.Out.String(), tc.want) {
				t.Errorf("output %q, want %q", bufs.Out.String(), tc.want)
			}
			if tc.print && strings.Contains(bufs.Out.String(), "PRIVATE KEY") {
				t.Errorf("the private key is in the configuration")
			}
			if tc.signed && !tc.print && tc.code == 0 {
				ref, _ := name.ParseReference(o.Ref)
				img, err := remote.Image(ref)
				if err != nil {
					t.Fatal(err)
				}
				ls, _ := img.Layers()
				rc, _ := ls[0].Compressed()
				defer rc.Close()
				signer, err := o.Signing.Signer()
				if err != nil {
					t.Fatal(err)
				}
				pub, err := signer.VerificationKey()
				if err != nil {
					t.Fatal(err)
				}
				keys := map[string]*opabundle.KeyConfig{"pxacl": {Key: pub, Algorithm: "ES256"}}
				_, err = opabundle.NewReader(rc).WithBundleVerificationConfig(opabundle.NewVerificationConfig(keys, "pxacl", "", nil)).Read()
				if err != nil {
					t.Errorf("the pulled bundle does not verify: %v", err)
				}
			}
		})
	}
}
