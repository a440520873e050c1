// Package serve is `pxacl serve`: the compiled bundle served to OPA
// sidecars, rebuilt when the configuration changes.
package serve

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/server"
)

// ServeOptions are the inputs of `pxacl serve`.
type ServeOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	addr, bundleName                           string
	keyFile, alg, keyID                        string
	token, tokenFile                           string
	tokenGiven                                 bool // --token was on the command line
	tlsCert, tlsKey, clientCA                  string
	insecure                                   bool
	caCert, clientCert, clientKey              string
	printCfg                                   bool
	minDelay, maxDelay, longPoll, maxLongPolls int
	poll                                       time.Duration
	memoryBudget                               string
	buildChild                                 bool
	deltaRevisions                             int
	deltaUnsigned                              bool
}

// tokenSource says where the bearer token came from.
type tokenSource int

const (
	tokenNone tokenSource = iota
	tokenFlag
	tokenFile
	tokenEnv
)

// NewCmdServe is `pxacl serve`.
func NewCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	o := &ServeOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the compiled bundle to OPA sidecars (bundle protocol, long polling, hot reload)",
		Long: `Serve the compiled bundle to OPA sidecars (bundle protocol, long polling, hot reload).

The bundle holds every user, token, ACL and lock state. serve refuses an
address reachable from the network (anything but 127.0.0.0/8, ::1 and
localhost; ":8282" is every interface) unless downloads need a bearer token
(--token-file FILE or $` + server.TokenEnv + `) or a TLS client certificate
(--client-ca), or --insecure is given. With authentication, /metrics and the
details of /health need it too; /health without it says only ok or
unavailable.

The bundle is built in a child process limited to --memory-budget; a
configuration that needs more is refused and the last good bundle stays.`,
		Example: `  $ pxacl --config-dir examples/pbs serve
  $ pxacl --config-dir examples/pbs serve --addr 0.0.0.0:8282 --token-file /etc/pxacl/token --print-opa-config
  $ PXACL_SERVE_TOKEN=... pxacl --config-dir examples/pbs serve --addr 0.0.0.0:8282 --tls-cert c.pem --tls-key k.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.tokenGiven = cmd.Flags().Changed("token")
			if runF != nil {
				return runF(o)
			}
			return serveRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.addr, "addr", "127.0.0.1:8282", "listen address; one reachable from the network needs authentication or --insecure")
	fl.StringVar(&o.bundleName, "bundle-name", "pxacl.tar.gz", "served at /bundles/<name>")
	fl.StringVar(&o.keyFile, "signing-key", "", "sign bundles with this key (PEM private key; HMAC secret for HS*)")
	fl.StringVar(&o.alg, "signing-alg", "RS256", "RS256, ES256 or HS256 (any OPA signing algorithm)")
	fl.StringVar(&o.keyID, "signing-key-id", "pxacl", "key id in the JWT and in OPA's keys config")
	fl.StringVar(&o.tokenFile, "token-file", "", "require 'Authorization: Bearer TOKEN' with TOKEN read from this file (one trailing newline removed; refused when every user may read it)")
	fl.StringVar(&o.token, "token", "", "UNSAFE: the token on the command line, which every local user can read (ps, /proc); use --token-file or $"+server.TokenEnv)
	fl.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&o.tlsKey, "tls-key", "", "private key of --tls-cert")
	fl.StringVar(&o.clientCA, "client-ca", "", "require TLS client certificates signed by this CA (PEM; needs --tls-cert)")
	fl.BoolVar(&o.insecure, "insecure", false, "serve a network address without authentication (anyone who reaches it reads every user, token and ACL)")
	fl.StringVar(&o.caCert, "ca-cert", "", "with --print-opa-config: CA file OPA uses to verify the server")
	fl.StringVar(&o.clientCert, "client-cert", "", "with --print-opa-config: client certificate file OPA presents (with --client-ca)")
	fl.StringVar(&o.clientKey, "client-key", "", "with --print-opa-config: private key file of --client-cert")
	fl.BoolVar(&o.printCfg, "print-opa-config", false, "print an OPA sidecar configuration for this server and exit (a token from --token-file or $"+server.TokenEnv+" is referenced, not copied)")
	fl.IntVar(&o.minDelay, "min-delay", 10, "with --print-opa-config: polling.min_delay_seconds")
	fl.IntVar(&o.maxDelay, "max-delay", 20, "with --print-opa-config: polling.max_delay_seconds")
	fl.IntVar(&o.longPoll, "long-poll-timeout", 30, "with --print-opa-config: polling.long_polling_timeout_seconds (0 = off)")
	fl.IntVar(&o.maxLongPolls, "max-long-polls", server.DefaultMaxLongPolls, "long polls held at once; others get the bundle at once and fall back to periodic polling")
	fl.DurationVar(&o.poll, "poll-interval", 250*time.Millisecond, "how often the config dir is checked for changes")
	fl.StringVar(&o.memoryBudget, "memory-budget", "", "memory a bundle build may use, e.g. 2GiB; 0 builds in the server process without a limit (default: half of the machine's or the cgroup's memory)")
	fl.IntVar(&o.deltaRevisions, "delta-revisions", server.DefaultDeltaRevisions, "send a sidecar at one of the last N revisions a delta bundle (the changed data only) when the policies did not change; 0 (the default) = always the whole bundle, which OPA activates faster")
	fl.BoolVar(&o.deltaUnsigned, "delta-unsigned", false, "with --signing-key: send delta bundles, which cannot be signed (the sidecars need signing.allow_unsigned_delta_bundles: true, which --print-opa-config then writes)")
	fl.BoolVar(&o.buildChild, "build-child", false, "internal: build one bundle under --memory-budget and write it on stdout")
	_ = fl.MarkHidden("build-child")
	cmdutil.RegisterValues(cmd, "signing-alg", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512")
	return cmd
}

// resolveToken reads the bearer token from --token-file, --token or
// $PXACL_SERVE_TOKEN (in that order; the two flags exclude each other)
// and removes the variable from the environment, so no child inherits it.
func resolveToken(o *ServeOptions) (string, tokenSource, error) {
	env, envSet := os.LookupEnv(server.TokenEnv)
	_ = os.Unsetenv(server.TokenEnv)
	switch {
	case o.tokenFile != "" && o.tokenGiven:
		return "", tokenNone, errors.New("--token and --token-file exclude each other")
	case o.tokenFile != "":
		tok, err := server.ReadTokenFile(o.tokenFile)
		return tok, tokenFile, err
	case o.tokenGiven:
		if err := server.CheckToken(o.token); err != nil {
			return "", tokenNone, fmt.Errorf("--token: %w", err)
		}
		return o.token, tokenFlag, nil
	case envSet && env != "":
		if err := server.CheckToken(env); err != nil {
			return "", tokenNone, fmt.Errorf("$%s: %w", server.TokenEnv, err)
		}
		return env, tokenEnv, nil
	}
	return "", tokenNone, nil
}

func serveRun(ctx context.Context, o *ServeOptions) error {
	g := o.Config
	var budget int64
	switch o.memoryBudget {
	case "":
		budget = server.DefaultMemoryBudget()
	default:
		b, err := server.ParseSize(o.memoryBudget)
		if err != nil {
			return fmt.Errorf("--memory-budget: %w", err)
		}
		budget = b
	}
	if o.buildChild {
		return server.RunChild(o.IO.Out, budget, func() ([]byte, string, error) {
			return buildBundle(g, o)
		})
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if o.clientCA != "" && o.tlsCert == "" {
		return errors.New("--client-ca needs --tls-cert and --tls-key: client certificates are a TLS feature")
	}
	if o.deltaRevisions < 0 {
		return errors.New("--delta-revisions must be 0 or more")
	}
	if o.deltaUnsigned && o.keyFile == "" {
		return errors.New("--delta-unsigned goes with --signing-key (without signing, deltas are sent anyway)")
	}
	if o.maxLongPolls < 1 {
		return errors.New("--max-long-polls must be at least 1")
	}
	token, source, err := resolveToken(o)
	if err != nil {
		return err
	}
	var signer *server.Signer
	if o.keyFile != "" {
		s, err := server.NewSigner(o.keyFile, o.alg, o.keyID)
		if err != nil {
			return err
		}
		signer = s
	}
	if o.printCfg {
		return printOPAConfig(o, token, source, signer)
	}

	log := slog.New(slog.NewJSONHandler(o.IO.ErrOut, nil))
	warnings, err := server.CheckExposure(server.Exposure{
		Addr: o.addr, Token: token != "", ClientCert: o.clientCA != "", TLS: o.tlsCert != "", Insecure: o.insecure,
	})
	if err != nil {
		return err
	}
	if source == tokenFlag {
		warnings = append(warnings, "--token puts the token on the command line, where every local user can read it; use --token-file or $"+server.TokenEnv)
	}
	for _, w := range warnings {
		log.Warn(w)
	}
	var tlsConfig *tls.Config
	if o.tlsCert != "" {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if o.clientCA != "" {
			pem, err := os.ReadFile(o.clientCA)
			if err != nil {
				return fmt.Errorf("--client-ca: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return fmt.Errorf("--client-ca %s: no PEM certificate", safetext.Quote(o.clientCA))
			}
			// verified when given; the handlers refuse a request without one
			// (/health still answers liveness)
			tlsConfig.ClientCAs, tlsConfig.ClientAuth = pool, tls.VerifyClientCertIfGiven
		}
	}

	opts := server.Options{
		Dir: g.Dir, BundleName: o.bundleName, Token: token, ClientCertRequired: o.clientCA != "",
		MaxLongPolls: o.maxLongPolls, Signer: signer, PollInterval: o.poll, Logger: log,
		DeltaRevisions: o.deltaRevisions, DeltaUnsigned: o.deltaUnsigned,
	}
	if budget > 0 {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("--memory-budget: cannot find the pxacl binary to build in a child process: %w (--memory-budget 0 builds in the server)", err)
		}
		opts.BuildBytes = (&server.ChildBuild{Exe: exe, Args: childArgs(o, budget), Budget: budget, DropEnv: []string{server.TokenEnv}}).Build
	} else {
		dir, flavor, pveVersion := g.Dir, g.Flavor, g.PVEVersion
		opts.Build = func() (*bundle.Bundle, error) {
			return bundle.BuildDir(dir, compiler.Options{Flavor: flavor, PVEVersion: pveVersion})
		}
	}
	srv := server.New(opts)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	watchDone := make(chan struct{})
	go func() { srv.Run(ctx); close(watchDone) }()
	hs := server.HTTPServer(srv.Handler(), tlsConfig)
	errc := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			errc <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	budgetText := "off (in-process build)"
	if budget > 0 {
		budgetText = server.FormatSize(budget)
	}
	log.Info("serving", "addr", ln.Addr().String(), "bundle", "/bundles/"+o.bundleName,
		"config_dir", g.Dir, "signed", signer != nil, "tls", o.tlsCert != "", "token", token != "",
		"client_certificates", o.clientCA != "", "memory_budget", budgetText, "max_long_polls", o.maxLongPolls)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	srv.Close() // release long polls
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	<-watchDone
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// childArgs make the pxacl binary build one bundle under budget
// (serve --build-child). No secret goes on its command line: the signing
// key is passed as its file name.
func childArgs(o *ServeOptions, budget int64) []string {
	g := o.Config
	args := []string{"--config-dir", g.Dir, "--flavor", g.Flavor.String(), "--pve-version", g.PVEVersion,
		"serve", "--build-child", "--memory-budget", strconv.FormatInt(budget, 10)}
	if o.keyFile != "" {
		args = append(args, "--signing-key", o.keyFile, "--signing-alg", o.alg, "--signing-key-id", o.keyID)
	}
	return args
}

// buildBundle compiles the configuration into the bundle's bytes, signed
// with --signing-key when given.
func buildBundle(g *cmdutil.Config, o *ServeOptions) ([]byte, string, error) {
	b, err := bundle.BuildDir(g.Dir, compiler.Options{Flavor: g.Flavor, PVEVersion: g.PVEVersion})
	if err != nil {
		return nil, "", err
	}
	if o.keyFile != "" {
		s, err := server.NewSigner(o.keyFile, o.alg, o.keyID)
		if err != nil {
			return nil, "", err
		}
		body, err := s.SignedBytes(b)
		return body, b.Manifest.Revision, err
	}
	body, err := b.Bytes()
	return body, b.Manifest.Revision, err
}

// printOPAConfig prints the sidecar configuration. The token is copied
// only when it was given with --token; a token file is referenced
// (token_path) and the variable is left for OPA to substitute.
func printOPAConfig(o *ServeOptions, token string, source tokenSource, signer *server.Signer) error {
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	cfg := server.OPAConfigOptions{
		URL: scheme + "://" + o.addr, BundleName: o.bundleName, CACert: o.caCert,
		ClientCert: o.clientCert, ClientKey: o.clientKey,
		MinDelay: o.minDelay, MaxDelay: o.maxDelay, LongPollTimeout: o.longPoll, Signer: signer, DeltaUnsigned: o.deltaUnsigned,
	}
	switch source {
	case tokenFlag:
		cfg.Token = token
	case tokenFile:
		abs, err := filepath.Abs(o.tokenFile)
		if err != nil {
			return err
		}
		cfg.TokenFile = abs
	case tokenEnv:
		cfg.TokenEnv = server.TokenEnv
	}
	out, err := server.OPAConfig(cfg)
	if err != nil {
		return err
	}
	_, err = o.IO.Out.Write(out)
	return err
}
