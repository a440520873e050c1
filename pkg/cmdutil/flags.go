package cmdutil

import "github.com/spf13/cobra"

// AddQueryFlags adds --any and --now, the flags of check and explain.
func AddQueryFlags(cmd *cobra.Command, anyPriv *bool, now *int64) {
	cmd.Flags().BoolVar(anyPriv, "any", false, "any one of the privileges suffices (PBS 'partial')")
	AddNowFlag(cmd, now)
}

// AddNowFlag adds --now.
func AddNowFlag(cmd *cobra.Command, now *int64) {
	cmd.Flags().Int64Var(now, "now", 0, "evaluate enable/expire at this epoch time (default: now)")
}
