package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/server"
)

// parse runs `serve ARGS` up to runF and returns the options.
func parse(t *testing.T, args string) (*ServeOptions, error) {
	t.Helper()
	f, _ := cmdutil.NewTestFactory("../../../examples/pbs")
	var got *ServeOptions
	err := cmdutil.ExecuteArgs(NewCmdServe(f, func(o *ServeOptions) error { got = o; return nil }), args)
	return got, err
}

func TestNewCmdServe(t *testing.T) {
	o, err := parse(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "127.0.0.1:8282" || o.bundleName != "pxacl.tar.gz" || o.alg != "RS256" || o.keyID != "pxacl" || o.tokenGiven || o.insecure ||
		o.maxLongPolls != server.DefaultMaxLongPolls || o.poll != 250*time.Millisecond || o.minDelay != 10 || o.maxDelay != 20 || o.longPoll != 30 || o.buildChild {
		t.Errorf("defaults %+v", *o)
	}
	o, err = parse(t, "--addr 0.0.0.0:9000 --token-file /run/tok --insecure --tls-cert c.pem --tls-key k.pem --client-ca ca.pem "+
		"--signing-key key.pem --signing-alg ES256 --max-long-polls 3 --poll-interval 2s --memory-budget 1GiB --print-opa-config --long-poll-timeout 0")
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "0.0.0.0:9000" || o.tokenFile != "/run/tok" || !o.insecure || o.tlsCert != "c.pem" || o.tlsKey != "k.pem" || o.clientCA != "ca.pem" ||
		o.keyFile != "key.pem" || o.alg != "ES256" || o.maxLongPolls != 3 || o.poll != 2*time.Second || o.memoryBudget != "1GiB" || !o.printCfg || o.longPoll != 0 {
		t.Errorf("options %+v", *o)
	}
	// --token is told apart from an empty --token
	if o, err := parse(t, "--token="); err != nil || !o.tokenGiven || o.token != "" {
		t.Errorf("--token=: %+v %v", o, err)
	}
	for args, want := range map[string]string{
		"extra":                 "unknown command",
		"--poll-interval soon":  "invalid argument",
		"--max-long-polls many": "invalid argument",
		"--insecure=maybe":      "invalid argument",
		"--state-dir /tmp":      "unknown flag",
		"--addr":                "flag needs an argument",
	} {
		if _, err := parse(t, args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}

// serveOpts are parsed options for serveRun, with the token variable unset.
func serveOpts(t *testing.T, args string) (*ServeOptions, *cmdutil.IOStreamsBuffers) {
	t.Helper()
	t.Setenv(server.TokenEnv, "")
	os.Unsetenv(server.TokenEnv)
	f, bufs := cmdutil.NewTestFactory("../../../examples/pbs")
	var got *ServeOptions
	if err := cmdutil.ExecuteArgs(NewCmdServe(f, func(o *ServeOptions) error { got = o; return nil }), args); err != nil {
		t.Fatal(err)
	}
	return got, bufs
}

func writeToken(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every case fails before serve listens: nothing is opened on the network.
func TestServeRunRefused(t *testing.T) {
	good := writeToken(t, "s3cret-token\n", 0o600)
	for _, tc := range []struct {
		name, args, env, want string
	}{
		{"tls cert alone", "--tls-cert c.pem", "", "--tls-cert and --tls-key go together"},
		{"tls key alone", "--tls-key k.pem", "", "--tls-cert and --tls-key go together"},
		{"client ca without tls", "--client-ca ca.pem", "", "--client-ca needs --tls-cert and --tls-key"},
		{"no long polls", "--max-long-polls 0", "", "--max-long-polls must be at least 1"},
		{"bad memory budget", "--memory-budget lots", "", "--memory-budget"},
		{"token and token file", "--token abc --token-file " + good, "", "--token and --token-file exclude each other"},
		{"empty token", "--token=", "", "--token: the token is empty"},
		{"token with a control character", "--token a\x7fb", "", "--token: the token has a character other than printable ASCII"},
		{"missing token file", "--token-file " + filepath.Join(t.TempDir(), "none"), "", "--token-file"},
		{"world-readable token file", "--token-file " + writeToken(t, "s3cret-token\n", 0o644), "", "--token-file"},
		{"bad token variable", "", "a b", "$" + server.TokenEnv},
		// a network address needs a token, client certificates or --insecure
		{"exposed without authentication", "--addr 0.0.0.0:8282", "", "refusing to serve on '0.0.0.0:8282' without authentication"},
		{"every interface", "--addr :8282", "", "refusing to serve on ':8282' without authentication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, bufs := serveOpts(t, tc.args)
			if tc.env != "" {
				t.Setenv(server.TokenEnv, tc.env)
			}
			err := serveRun(context.Background(), o)
			if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want exit 2 and %q", err, tc.want)
			}
			if strings.Contains(err.Error()+bufs.Out.String()+bufs.ErrOut.String(), "s3cret-token") {
				t.Errorf("the token is shown: %v", err)
			}
			if _, set := os.LookupEnv(server.TokenEnv); set {
				t.Errorf("$%s is left in the environment", server.TokenEnv)
			}
		})
	}
}

// --print-opa-config prints the sidecar configuration and exits: a token
// file is referenced (token_path), the variable left for OPA to
// substitute, and only a --token on the command line is copied.
func TestServeRunPrintOPAConfig(t *testing.T) {
	tokenFile := writeToken(t, "s3cret-token\n", 0o600)
	for _, tc := range []struct {
		name, args, env string
		want            []string
		notWant         string
	}{
		{"token file", "--addr 0.0.0.0:8282 --token-file " + tokenFile + " --print-opa-config", "",
			[]string{"http://0.0.0.0:8282", "token_path", tokenFile, "pxacl.tar.gz"}, "s3cret-token"},
		{"token variable", "--print-opa-config --bundle-name b.tar.gz", "s3cret-token",
			[]string{"${" + server.TokenEnv + "}", "b.tar.gz"}, "s3cret-token"},
		{"tls", "--tls-cert c.pem --tls-key k.pem --ca-cert ca.pem --print-opa-config", "",
			[]string{"https://127.0.0.1:8282", "ca.pem"}, "token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, bufs := serveOpts(t, tc.args)
			if tc.env != "" {
				t.Setenv(server.TokenEnv, tc.env)
			}
			if err := serveRun(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			out := bufs.Out.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("config lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, tc.notWant) {
				t.Errorf("config has %q:\n%s", tc.notWant, out)
			}
		})
	}
}

// The child that builds the bundle gets no secret on its command line.
func TestChildArgs(t *testing.T) {
	o, _ := serveOpts(t, "--signing-key /k.pem --signing-alg ES256 --token abcdef")
	args := strings.Join(childArgs(o, 1<<30), " ")
	if !strings.Contains(args, "serve --build-child --memory-budget 1073741824 --signing-key /k.pem --signing-alg ES256 --signing-key-id pxacl") ||
		strings.Contains(args, "abcdef") || strings.Contains(args, "--token") {
		t.Errorf("child args %s", args)
	}
}
