package adopt

import (
	"fmt"
	"strings"
)

// go test's flags that take a value as the next argument when written
// without "=": the rest of "go test"'s flags are booleans. Knowing them
// tells a flag's value from a package pattern.
var valueFlags = map[string]bool{
	"run": true, "skip": true, "bench": true, "benchtime": true, "count": true, "cpu": true,
	"parallel": true, "timeout": true, "shuffle": true, "list": true, "fuzz": true, "fuzztime": true,
	"fuzzminimizetime": true, "coverprofile": true, "covermode": true, "coverpkg": true,
	"cpuprofile": true, "memprofile": true, "memprofilerate": true, "blockprofile": true,
	"blockprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true, "trace": true,
	"outputdir": true, "o": true, "exec": true, "vet": true, "p": true, "tags": true, "mod": true,
	"modfile": true, "ldflags": true, "gcflags": true, "asmflags": true, "gccgoflags": true,
	"pgo": true, "toolexec": true, "C": true, "overlay": true, "pkgdir": true, "installsuffix": true,
	"compiler": true, "buildmode": true,
}

// buildFlagNames are go test's flags that change which files a package
// has, so go list must be given them too.
var buildFlagNames = map[string]bool{"tags": true, "mod": true, "modfile": true}

// splitTestArgs splits go test's arguments into the build flags go list
// needs and the package patterns ("." when none). Arguments after -args
// are the test binary's.
func splitTestArgs(args []string) (buildFlags, patterns []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			patterns = append(patterns, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "overlay" {
			return nil, nil, fmt.Errorf("leakhound test supplies its own -overlay; run go test directly to use yours")
		}
		flag := []string{a}
		if !hasValue && valueFlags[name] && i+1 < len(args) {
			i++
			flag = append(flag, args[i])
		}
		if buildFlagNames[name] {
			buildFlags = append(buildFlags, flag...)
		}
	}
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	return buildFlags, patterns, nil
}
