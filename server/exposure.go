package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pxacl/pxacl/internal/safetext"
)

// HTTP server timeouts (HTTPServer). Long polls and big bundles set their
// own write deadline (TransferTime); these bound everything else.
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a whole request; bundle requests have no
	// body. Go clears the read deadline while a handler runs (its
	// background read), so a held long poll is not cut by it.
	ReadTimeout = 30 * time.Second
	// WriteTimeout bounds writing an answer; serveBundle moves the
	// deadline of a long poll to its wait plus TransferTime.
	WriteTimeout = TransferBase
	// IdleTimeout closes a kept-alive connection with no request. OPA
	// re-polls at once under long polling and after min_delay_seconds
	// (10 s in the printed config) otherwise.
	IdleTimeout = 120 * time.Second
	// MaxHeaderBytes bounds request headers (OPA sends a few short ones).
	MaxHeaderBytes = 64 << 10
)

// HTTPServer returns the http.Server for h with pxacl's timeouts and,
// when tlsConfig is not nil, its TLS configuration.
func HTTPServer(h http.Handler, tlsConfig *tls.Config) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		TLSConfig:         tlsConfig,
	}
}

// IsLoopback reports whether a listen address (host:port) only accepts
// connections from this host: 127.0.0.0/8, ::1 or "localhost". An empty
// host (":8282") listens on every interface; any other name is not
// resolved and counts as reachable from the network.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Exposure is what CheckExposure weighs.
type Exposure struct {
	Addr       string // listen address
	Token      bool   // a bearer token is required
	ClientCert bool   // TLS client certificates are required
	TLS        bool   // HTTPS
	Insecure   bool   // --insecure: serve the network without authentication
}

// CheckExposure refuses to serve the bundle (every user, token, ACL and
// lock state) on an address reachable from the network without
// authentication, unless Insecure. Its warnings are for the log: a bearer
// token over plain HTTP on the network, or an insecure exposure.
func CheckExposure(e Exposure) (warnings []string, err error) {
	if IsLoopback(e.Addr) {
		return nil, nil
	}
	addr := safetext.Quote(e.Addr)
	if !e.Token && !e.ClientCert {
		if !e.Insecure {
			return nil, fmt.Errorf("refusing to serve on %s without authentication: the address is reachable from the network "+
				"and the bundle holds every user, token, ACL and lock state; require a bearer token "+
				"(--token-file FILE or $%s), or TLS client certificates (--tls-cert, --tls-key and --client-ca), "+
				"or listen on a loopback address (127.0.0.1, ::1, localhost); --insecure serves it anyway", addr, TokenEnv)
		}
		warnings = append(warnings, "serving the bundle without authentication on "+addr+" (--insecure): anyone who reaches it reads every user, token, ACL and lock state")
	}
	if e.Token && !e.TLS {
		warnings = append(warnings, "the bearer token travels in clear text on "+addr+" (no --tls-cert): anyone on the path can read it")
	}
	return warnings, nil
}

// TokenEnv is the environment variable serve reads the bearer token from.
const TokenEnv = "PXACL_SERVE_TOKEN"

// ReadTokenFile reads a bearer token from path: one trailing newline
// (\n or \r\n) is removed. A file other users may read is refused: the
// token would be as exposed as on the command line. Errors never quote
// the file's content.
func ReadTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("--token-file %s: not a regular file", safetext.Quote(path))
	}
	if fi.Mode().Perm()&0o004 != 0 {
		return "", fmt.Errorf("--token-file %s: readable by every user (mode %04o); chmod o-r it", safetext.Quote(path), fi.Mode().Perm())
	}
	const maxToken = 4096
	raw, err := io.ReadAll(io.LimitReader(f, maxToken+1))
	if err != nil {
		return "", fmt.Errorf("--token-file %s: %w", safetext.Quote(path), err)
	}
	if len(raw) > maxToken {
		return "", fmt.Errorf("--token-file %s: longer than %d bytes", safetext.Quote(path), maxToken)
	}
	tok := string(raw)
	if t, ok := strings.CutSuffix(tok, "\n"); ok {
		tok = strings.TrimSuffix(t, "\r")
	}
	if err := CheckToken(tok); err != nil {
		return "", fmt.Errorf("--token-file %s: %w", safetext.Quote(path), err)
	}
	return tok, nil
}

// CheckToken accepts a token OPA can send in an Authorization header:
// printable ASCII without spaces (OPA trims the token file it reads). The
// error never shows the token.
func CheckToken(tok string) error {
	if tok == "" {
		return errors.New("the token is empty")
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("the token has a character other than printable ASCII at byte %d (spaces, control characters and a second line are not allowed)", i+1)
		}
	}
	return nil
}
