package main

import (
	"fmt"
	"os"

	"github.com/leakhound/leakhound/internal/settings"
)

func main() {
	for _, w := range settings.Unknown(os.Environ()) {
		fmt.Fprintf(os.Stderr, "leakhound: %s\n", w)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
