package report

import "fmt"

// Count renders n with the singular or plural of a noun: "1 test",
// "2 tests", "0 infos". plural "" adds an s to one.
func Count(n int, one, plural string) string {
	if plural == "" {
		plural = one + "s"
	}
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, plural)
}
