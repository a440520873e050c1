// Package whocan is `pxacl who-can`: every identity holding a privilege
// on a path, with the entries that give it.
package whocan

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/whocan"
)

// WhoCanOptions are the inputs of `pxacl who-can`.
type WhoCanOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Privilege string
	Path      string
	Now       int64
}

// NewCmdWhoCan is `pxacl who-can PRIV PATH`.
func NewCmdWhoCan(f *cmdutil.Factory, runF func(*WhoCanOptions) error) *cobra.Command {
	opts := &WhoCanOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "who-can PRIV PATH",
		Short: "List every user and token holding PRIV on PATH, with the ACL entries that give it",
		Example: `  $ pxacl --config-dir examples/pbs who-can Datastore.Prune /datastore/store1
  $ pxacl --config-dir examples/pve who-can VM.PowerMgmt /vms/100
  $ pxacl --config-dir examples/pbs who-can --output-format json Sys.Audit /`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgPrivilege, cmdutil.ArgPath),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Privilege, opts.Path = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return whoCanRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddNowFlag(cmd, &opts.Now)
	return cmd
}

func whoCanRun(ctx context.Context, opts *WhoCanOptions) error {
	c := opts.Config
	if err := c.CheckFlavor(); err != nil {
		return err
	}
	if !c.Catalog().IsPrivilege(opts.Privilege) {
		return cmdutil.UnknownPrivilege(opts.Privilege)
	}
	if err := aclpath.Query(c.Detected(), opts.Path); err != nil {
		return err
	}
	doc, err := c.Compile()
	if err != nil {
		return err
	}
	idx, err := whocan.FromDocument(ctx, doc)
	if err != nil {
		return err
	}
	r, err := idx.WhoCan(ctx, opts.Privilege, opts.Path, opts.Now)
	if err != nil {
		return err
	}
	if !c.Text() {
		return report.WriteJSON(opts.IO.Out, c.OutputFormat, r)
	}
	return report.WriteWhoCan(opts.IO.Out, r)
}
