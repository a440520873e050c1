// Package modify is `pxacl pool modify`.
package modify

import (
	"github.com/spf13/cobra"

	pvestore "github.com/pxacl/pxacl/config/pve/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
)

// ModifyOptions are the inputs of `pxacl pool modify`.
type ModifyOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	ID        string
	Digest    string
	Comment   *string
	VMs       *string
	Storage   *string
	Delete    bool
	AllowMove bool
}

// NewCmdModify is `pxacl pool modify POOLID`.
func NewCmdModify(f *cmdutil.Factory, runF func(*ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "modify POOLID",
		Aliases: []string{"update"},
		Short:   "Change a pool: comment, VMs and storages, like pveum pool modify",
		Example: `  $ cp -r examples/pve /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo pool modify test --vms 300 --storage local`,
		Args: cobra.ExactArgs(1),
	}
	fl := cmd.Flags()
	comment := cmdutil.OptionalString(fl, "comment", "comment")
	vms := cmdutil.OptionalString(fl, "vms", "VM ids to add (or remove with --delete)")
	storage := cmdutil.OptionalString(fl, "storage", "storage ids to add (or remove with --delete)")
	fl.BoolVar(&opts.Delete, "delete", false, "remove the listed VMs and storages")
	fl.BoolVar(&opts.AllowMove, "allow-move", false, "move VMs that are in another pool")
	cmdutil.DigestFlag(fl, &opts.Digest)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		opts.ID = args[0]
		opts.Comment = comment()
		opts.VMs = vms()
		opts.Storage = storage()
		if runF != nil {
			return runF(opts)
		}
		return modifyRun(opts)
	}
	return cmd
}

func modifyRun(opts *ModifyOptions) error {
	s, err := opts.Config.PVEStoreFor("pxacl pool modify")
	if err != nil {
		return err
	}
	return s.ModifyPool(opts.ID, pvestore.PoolFields{Comment: opts.Comment, VMs: opts.VMs, Storage: opts.Storage, Delete: opts.Delete, AllowMove: opts.AllowMove}, opts.Digest)
}
