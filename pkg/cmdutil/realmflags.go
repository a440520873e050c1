package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// realmFlags are the realm properties of both flavors as flags, in
// pveum's dash form; PVE's underscore names (--base_dn) are accepted too.
var realmFlags = []struct{ name, help string }{
	{"comment", "description"},
	{"default", "use this realm by default (0/1)"},
	{"server1", "LDAP/AD server address"},
	{"server2", "fallback LDAP/AD server address"},
	{"port", "LDAP/AD port"},
	{"mode", "LDAP protocol mode: ldap, ldaps or ldap+starttls"},
	{"verify", "verify the server's TLS certificate (0/1)"},
	{"capath", "path to the CA certificate store"},
	{"base-dn", "LDAP base DN"},
	{"bind-dn", "LDAP bind DN"},
	{"user-attr", "LDAP user attribute (ldap)"},
	{"filter", "LDAP user filter"},
	{"sync-attributes", "sync attributes (email=...,firstname=...,lastname=...)"},
	{"user-classes", "LDAP user object classes"},
	{"sync-defaults-options", "default sync options"},
	{"issuer-url", "OpenID issuer URL"},
	{"client-id", "OpenID client id"},
	{"client-key", "OpenID client key"},
	{"scopes", "OpenID scopes"},
	{"acr-values", "OpenID ACR values"},
	{"audiences", "OpenID accepted audiences"},
	{"prompt", "OpenID prompt"},
	{"autocreate", "create users on first login (0/1)"},
	{"username-claim", "OpenID claim used for the user name (add only)"},
	// PVE only
	{"domain", "PVE AD domain"},
	{"secure", "PVE: use ldaps (deprecated, see --mode)"},
	{"sslversion", "PVE: LDAPS TLS version"},
	{"cert", "PVE: client certificate path"},
	{"certkey", "PVE: client certificate key path"},
	{"group-dn", "PVE: LDAP base DN for groups"},
	{"group-name-attr", "PVE: LDAP group name attribute"},
	{"group-filter", "PVE: LDAP group filter"},
	{"group-classes", "PVE: LDAP group object classes"},
	{"case-sensitive", "PVE: user names are case-sensitive (0/1)"},
	{"tfa", "PVE: two-factor authentication (type=oath|yubico,...)"},
	{"groups-claim", "PVE: OpenID groups claim"},
	{"groups-autocreate", "PVE: OpenID create groups (0/1)"},
	{"groups-overwrite", "PVE: OpenID overwrite groups (0/1)"},
	{"query-userinfo", "PVE: OpenID query the userinfo endpoint (0/1)"},
}

// RealmFlags adds the realm property flags to cmd; the returned function
// gives the properties that were set on the command line, keyed by flag
// name (dash form).
func RealmFlags(cmd *cobra.Command) func() map[string]string {
	fs := cmd.Flags()
	vals := map[string]*string{}
	for _, f := range realmFlags {
		vals[f.name] = fs.String(f.name, "", f.help)
	}
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
	})
	RegisterValues(cmd, "mode", "ldap", "ldaps", "ldap+starttls")
	RegisterValues(cmd, "sslversion", "tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3")
	for _, b := range []string{"default", "verify", "autocreate", "secure", "case-sensitive", "groups-autocreate", "groups-overwrite", "query-userinfo"} {
		RegisterValues(cmd, b, "1", "0")
	}
	return func() map[string]string {
		out := map[string]string{}
		for name, v := range vals {
			if fs.Changed(name) {
				out[name] = *v
			}
		}
		return out
	}
}

// BindPasswordFlags adds --password-stdin (and the unsafe --password) for
// an LDAP/AD bind password.
func BindPasswordFlags(cmd *cobra.Command) func(*IOStreams) (*string, error) {
	var password string
	var fromStdin bool
	cmd.Flags().StringVar(&password, "password", "", passwordHelp)
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the LDAP/AD bind password from stdin: asked twice with no echo on a terminal, else the first line (stored where the product keeps it, never in domains.cfg)")
	return func(io *IOStreams) (*string, error) {
		given := cmd.Flags().Changed("password")
		switch {
		case given && fromStdin:
			return nil, ErrBadInput("--password and --password-stdin exclude each other")
		case given:
			return &password, nil
		case fromStdin:
			pw, err := ReadPassword(io.In, io.ErrOut)
			if err != nil {
				return nil, err
			}
			return &pw, nil
		}
		return nil, nil
	}
}
