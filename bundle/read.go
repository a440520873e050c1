// Reading a bundle with OPA's own reader, as OPA would load it.

package bundle

import (
	"fmt"
	"io"
	"os"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"
)

// Read parses a bundle file with OPA's own reader, as OPA would load it.
func Read(r io.Reader) (opabundle.Bundle, error) {
	b, err := opabundle.NewReader(r).Read()
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("bundle: %w", err)
	}
	if b.Manifest.Roots == nil || len(*b.Manifest.Roots) != 1 || (*b.Manifest.Roots)[0] != Root {
		return opabundle.Bundle{}, fmt.Errorf("bundle: not a pxacl bundle (roots must be [%q])", Root)
	}
	return b, nil
}

// ReadFile reads a bundle file.
func ReadFile(path string) (opabundle.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	b, err := Read(f)
	if err != nil {
		return opabundle.Bundle{}, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
