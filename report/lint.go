package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pxacl/pxacl/lint"
)

// WriteLint renders lint findings for people: one line per finding with
// its file:line, severity and code, its fix hint, then the counts.
func WriteLint(w io.Writer, res *lint.Result) error {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s: %s [%s] %s\n", f.Pos(), f.Severity, f.Code, f.Message)
		fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
	}
	fmt.Fprintf(&b, "%s: %s, %s, %s\n", Count(len(res.Findings), "finding", ""),
		Count(res.Errors, "error", ""), Count(res.Warnings, "warning", ""), Count(res.Infos, "info", ""))
	_, err := io.WriteString(w, b.String())
	return err
}
