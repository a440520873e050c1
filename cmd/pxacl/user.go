package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/report"
)

func newUserCmd(g *globals) *cobra.Command {
	user := &cobra.Command{Use: "user", Short: "User and API token management and queries"}
	var path string
	perms := &cobra.Command{
		Use:   "permissions AUTHID",
		Short: "Effective privileges of a user or token, like proxmox-backup-manager user permissions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pve := g.detected() == config.PVE
			flavor := config.PBS
			if pve {
				flavor = config.PVE
			}
			id, err := parseAuthID(args[0], flavor)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("path") {
				if err := aclpath.Query(flavor, path); err != nil {
					return fmt.Errorf("parameter 'path': %w", err)
				}
			}
			ev, err := g.evaluator(cmd.Context())
			if err != nil {
				return err
			}
			paths := []string{path}
			if !cmd.Flags().Changed("path") {
				defaults := aclpath.DefaultPermissionPaths(flavor)
				if pve {
					defaults = append(defaults, ev.PoolMembers()...)
				}
				paths = append(append([]string(nil), ev.Nodes()...), defaults...)
				// the nodes without entries too (§11), but only where
				// they have privileges: a group of them decides alike on
				// PBS, so one decision skips a deep path's thousands
				for _, g := range ev.Intermediate() {
					if !pve {
						privs, err := ev.Permissions(cmd.Context(), id, g.Sample)
						if err != nil {
							return err
						}
						if len(privs) == 0 {
							continue
						}
					}
					paths = append(paths, g.Paths()...)
				}
			}
			out := report.Permissions{}
			for _, p := range paths {
				if _, done := out[p]; done {
					continue
				}
				privs, err := ev.Permissions(cmd.Context(), id, p)
				if err != nil {
					return err
				}
				// PBS lists only paths with privileges; PVE's API answers
				// --path with {path: permissions} even when empty (pve §3.4)
				if len(privs) > 0 || (pve && cmd.Flags().Changed("path")) {
					out[p] = privs
				}
			}
			if g.outputFormat == report.Text && pve {
				return out.WritePVEText(cmd.OutOrStdout())
			}
			if g.outputFormat == report.Text {
				return out.WriteText(cmd.OutOrStdout())
			}
			return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, out)
		},
	}
	perms.Flags().StringVar(&path, "path", "", "only this ACL path")
	user.AddCommand(perms)
	user.AddCommand(newUserManageCmds(g)...)
	user.AddCommand(newUserTFACmd(g))
	return user
}
