package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/server"
)

func newServeCmd(g *globals) *cobra.Command {
	var (
		addr, bundleName, keyFile, alg, keyID, token, tlsCert, tlsKey, caCert string
		printCfg                                                              bool
		minDelay, maxDelay, longPoll                                          int
		poll                                                                  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the compiled bundle to OPA sidecars (bundle protocol, long polling, hot reload)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var signer *server.Signer
			if keyFile != "" {
				s, err := server.NewSigner(keyFile, alg, keyID)
				if err != nil {
					return err
				}
				signer = s
			}
			if (tlsCert == "") != (tlsKey == "") {
				return errors.New("--tls-cert and --tls-key go together")
			}
			if printCfg {
				scheme := "http"
				if tlsCert != "" {
					scheme = "https"
				}
				out, err := server.OPAConfig(server.OPAConfigOptions{
					URL: scheme + "://" + addr, BundleName: bundleName, Token: token, CACert: caCert,
					MinDelay: minDelay, MaxDelay: maxDelay, LongPollTimeout: longPoll, Signer: signer,
				})
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(out)
				return err
			}
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
			dir, flavor, pveVersion := g.configDir, g.flavor, g.pveVersion
			srv := server.New(server.Options{
				Build: func() (*bundle.Bundle, error) {
					return evaluator.BuildDirFlavor(dir, flavor, pveVersion)
				},
				Dir: dir, BundleName: bundleName, Token: token, Signer: signer,
				PollInterval: poll, Logger: log,
			})
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			watchDone := make(chan struct{})
			go func() { srv.Run(ctx); close(watchDone) }()
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() {
				if tlsCert != "" {
					errc <- hs.ServeTLS(ln, tlsCert, tlsKey)
				} else {
					errc <- hs.Serve(ln)
				}
			}()
			log.Info("serving", "addr", ln.Addr().String(), "bundle", "/bundles/"+bundleName,
				"config_dir", dir, "signed", signer != nil, "tls", tlsCert != "", "token", token != "")
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
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8282", "listen address")
	f.StringVar(&bundleName, "bundle-name", "pxacl.tar.gz", "served at /bundles/<name>")
	f.StringVar(&keyFile, "signing-key", "", "sign bundles with this key (PEM private key; HMAC secret for HS*)")
	f.StringVar(&alg, "signing-alg", "RS256", "RS256, ES256 or HS256 (any OPA signing algorithm)")
	f.StringVar(&keyID, "signing-key-id", "pxacl", "key id in the JWT and in OPA's keys config")
	f.StringVar(&token, "token", "", "require 'Authorization: Bearer TOKEN' on bundle downloads")
	f.StringVar(&tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	f.StringVar(&tlsKey, "tls-key", "", "private key of --tls-cert")
	f.StringVar(&caCert, "ca-cert", "", "with --print-opa-config: CA file OPA uses to verify the server")
	f.BoolVar(&printCfg, "print-opa-config", false, "print an OPA sidecar configuration for this server and exit")
	f.IntVar(&minDelay, "min-delay", 10, "with --print-opa-config: polling.min_delay_seconds")
	f.IntVar(&maxDelay, "max-delay", 20, "with --print-opa-config: polling.max_delay_seconds")
	f.IntVar(&longPoll, "long-poll-timeout", 30, "with --print-opa-config: polling.long_polling_timeout_seconds (0 = off)")
	f.DurationVar(&poll, "poll-interval", 250*time.Millisecond, "how often the config dir is checked for changes")
	return cmd
}
