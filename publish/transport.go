// Plain HTTP only to this host: go-containerregistry falls back to http
// for loopback, RFC 1918 and .local registries; pxacl keeps that for
// loopback only, since the bundle holds every user, token and ACL and a
// registry login would cross the network in clear.

package publish

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/pxacl/pxacl/internal/safetext"
)

// IsLoopback reports whether host (a name or an address, without port)
// is this machine: localhost or a loopback address.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// httpsOnly refuses plain-HTTP requests to hosts other than this one,
// unless insecure.
type httpsOnly struct {
	base     http.RoundTripper
	insecure bool
}

// RoundTrip implements http.RoundTripper.
func (t httpsOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "http" && !t.insecure && !IsLoopback(r.URL.Hostname()) {
		return nil, fmt.Errorf("refusing plain HTTP to %s: the bundle and any registry login would cross the network unencrypted (--insecure allows it)", safetext.Quote(r.URL.Host))
	}
	return t.base.RoundTrip(r)
}
