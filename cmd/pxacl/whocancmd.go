package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/whocan"
)

// catalogFor is the privilege catalog of flavor (catalog.For). An unknown
// --pve-version is reported when the configuration is compiled; until
// then the flavor's current catalog answers (PBS's for anything not PVE).
func catalogFor(flavor config.Flavor, pveVersion string) *catalog.Catalog {
	if c, err := catalog.For(flavor, pveVersion); err == nil {
		return c
	}
	if flavor == config.PVE {
		return catalog.MustFor(config.PVE, "")
	}
	return catalog.MustFor(config.PBS, "")
}

func newWhoCanCmd(g *globals) *cobra.Command {
	var now int64
	cmd := &cobra.Command{
		Use:   "who-can PRIV PATH",
		Short: "List every user and token holding PRIV on PATH, with the ACL entries that give it",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.bundleFile != "" {
				return fmt.Errorf("who-can reads the configuration directory; --bundle is not supported")
			}
			priv, path := args[0], args[1]
			if err := g.checkFlavor(); err != nil {
				return err
			}
			if !catalogFor(g.detected(), g.pveVersion).IsPrivilege(priv) {
				return fmt.Errorf("unknown privilege %s", safetext.Quote(priv))
			}
			if err := aclpath.Query(g.detected(), path); err != nil {
				return err
			}
			doc, err := g.compile()
			if err != nil {
				return err
			}
			c, err := whocan.FromDocument(cmd.Context(), doc)
			if err != nil {
				return err
			}
			r, err := c.WhoCan(cmd.Context(), priv, path, now)
			if err != nil {
				return err
			}
			if g.outputFormat != report.Text {
				return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, r)
			}
			writeWhoCan(cmd.OutOrStdout(), r)
			return nil
		},
	}
	cmd.Flags().Int64Var(&now, "now", 0, "evaluate enable/expire at this epoch time (default: now)")
	return cmd
}

// grantText renders deciding entries: "/path: Role (acl.cfg:N), ...".
func grantText(gs []whocan.Grant) string {
	var parts []string
	for _, gr := range gs {
		var roles []string
		for _, r := range gr.Roles {
			s := r.Role + " (" + r.Line
			if !r.Propagate {
				s += ", no propagate"
			}
			roles = append(roles, s+")")
		}
		via := ""
		if gr.Via != "" {
			via = " via " + gr.Via
		}
		parts = append(parts, gr.Path+via+": "+strings.Join(roles, ", "))
	}
	if len(parts) == 0 {
		return "(no entry)"
	}
	return strings.Join(parts, "; ")
}

func writeWhoCan(w io.Writer, r *whocan.Result) {
	fmt.Fprintf(w, "%s on %s: %d holder(s) (%d of %d identities evaluated; (*) = propagates)\n", r.Privilege, r.Path, len(r.Holders), r.Candidates, r.Identities)
	for _, h := range r.Holders {
		how := grantText(h.Grants)
		if h.Superuser {
			how = "superuser"
		}
		if h.Privsep != nil && !*h.Privsep {
			how = "privsep 0: its owner's privileges, own ACL ignored"
		}
		if h.Token {
			owner := grantText(h.Owners)
			if h.OwnerSU {
				owner = "superuser"
			}
			how += "; owner " + h.Owner + ": " + owner
		}
		prop := ""
		if h.Propagate {
			prop = " (*)"
		}
		fmt.Fprintf(w, "  %s%s\n      %s\n", h.AuthID, prop, how)
	}
}
