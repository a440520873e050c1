// Package generatetoken is `pxacl user generate-token`.
package generatetoken

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// GenerateTokenOptions are the inputs of `pxacl user generate-token`.
type GenerateTokenOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	UserID    string
	TokenName string
	Fields    store.TokenFields
	Digest    string
}

// NewCmdGenerateToken is `pxacl user generate-token USERID TOKEN-NAME`.
func NewCmdGenerateToken(f *cmdutil.Factory, runF func(*GenerateTokenOptions) error) *cobra.Command {
	opts := &GenerateTokenOptions{IO: f.IOStreams, Config: f.Config}
	var comment, enable string
	var expire int64
	cmd := &cobra.Command{
		Use:   "generate-token USERID TOKEN-NAME",
		Short: "Generate a new API token; the secret is printed once",
		Example: `  $ cp -r examples/pbs /tmp/pxacl-demo
  $ pxacl --config-dir /tmp/pxacl-demo user generate-token john@pbs client2 --comment "second laptop"
  $ pxacl --config-dir /tmp/pxacl-demo user generate-token john@pbs ci --expire 4102444800 --output-format json`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: cmdutil.CompleteArgs(f.Config, false, cmdutil.ArgUser),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.UserID, opts.TokenName = args[0], args[1]
			opts.Fields = store.TokenFields{}
			if cmd.Flags().Changed("comment") {
				opts.Fields.Comment = &comment
			}
			if cmd.Flags().Changed("enable") {
				b, err := store.ParseBool("enable", enable)
				if err != nil {
					return err
				}
				opts.Fields.Enable = &b
			}
			if cmd.Flags().Changed("expire") {
				opts.Fields.Expire = &expire
			}
			if runF != nil {
				return runF(opts)
			}
			return generateTokenRun(opts)
		},
	}
	cmd.Flags().StringVar(&comment, "comment", "", "comment")
	cmd.Flags().StringVar(&enable, "enable", "", "enable the token (1|0)")
	cmd.Flags().Int64Var(&expire, "expire", 0, "expiration date (seconds since epoch, 0 = never)")
	cmd.Flags().StringVar(&opts.Digest, "digest", "", "fail if user.cfg changed")
	cmdutil.RegisterValues(cmd, "enable", "1", "0")
	return cmd
}

func generateTokenRun(opts *GenerateTokenOptions) error {
	if opts.Config.IsPVE() {
		return cmdutil.PBSCommandOnPVE("generate-token", "add")
	}
	sec, err := store.New(opts.Config.Dir).GenerateToken(opts.UserID, opts.TokenName, opts.Fields, opts.Digest)
	if err != nil {
		return err
	}
	if opts.Config.Text() {
		fmt.Fprint(opts.IO.Out, "Result: ")
		return report.WriteJSON(opts.IO.Out, report.JSONPretty, sec)
	}
	return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, sec)
}
