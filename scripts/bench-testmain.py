#!/usr/bin/env python3
"""Cost of leakcheck.VerifyTestMain on whole test binaries (BENCHMARKS.md).

Generates, in a temporary module that uses this checkout, a package of 2,000
tiny tests and a package whose 10 tests start 100,000 goroutines in all,
builds each test binary once, and runs the arms interleaved in random order:
plain m.Run, goleak.VerifyTestMain, leakcheck.VerifyTestMain, and
leakcheck.VerifyTestMain with GODEBUG=tracebackancestors=10 (what re-running
the tests under that setting would add). Prints medians of wall time and of
CPU time (user + system, from wait4) per arm.

usage: scripts/bench-testmain.py [rounds]   (from the repository root)
"""
import json, os, random, statistics, subprocess, sys, tempfile, time

ROOT = os.getcwd()
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
MAIN = '''package PKG

import (
	"os"
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	switch os.Getenv("LEAKHOUND_BENCH_ARM") {
	case "goleak":
		goleak.VerifyTestMain(m)
	case "leakhound":
		leakcheck.VerifyTestMain(m)
	default:
		os.Exit(m.Run())
	}
}
'''
HEAVY = '''package heavy

import (
	"sync"
	"testing"
)

func spawn(t *testing.T) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := range 10000 {
		wg.Go(func() {
			mu.Lock()
			sum += i
			mu.Unlock()
		})
	}
	wg.Wait()
	if sum != 10000*9999/2 {
		t.Fatalf("sum %d", sum)
	}
}
''' + "".join(f"\nfunc TestHeavy{i}(t *testing.T) {{ spawn(t) }}\n" for i in range(10))
TINY = "package tiny\n\nimport \"testing\"\n" + "".join(
    f"\nfunc TestTiny{i}(t *testing.T) {{ if {i} < 0 {{ t.Fatal(\"never\") }} }}\n" for i in range(2000))
ARMS = {
    "plain": ("plain", {}),
    "goleak": ("goleak", {}),
    "leakcheck": ("leakhound", {}),
    "leakcheck+ancestors=10": ("leakhound", {"GODEBUG": "tracebackancestors=10"}),
}

def main():
    tmp = tempfile.mkdtemp(prefix="leakhound-bench-testmain-")
    with open(os.path.join(tmp, "go.mod"), "w") as f:
        f.write(f"module benchtestmain\n\ngo 1.26.0\n\nrequire github.com/leakhound/leakhound v0.0.0\n\n"
                f"replace github.com/leakhound/leakhound => {ROOT}\n")
    for pkg, body in (("tiny", TINY), ("heavy", HEAVY)):
        os.makedirs(os.path.join(tmp, pkg))
        open(os.path.join(tmp, pkg, "main_test.go"), "w").write(MAIN.replace("PKG", pkg))
        open(os.path.join(tmp, pkg, pkg + "_test.go"), "w").write(body)
    subprocess.run(["go", "mod", "tidy"], cwd=tmp, check=True)
    for pkg in ("tiny", "heavy"):
        subprocess.run(["go", "test", "-c", "-o", f"bin-{pkg}", f"./{pkg}"], cwd=tmp, check=True)
    env0 = {k: v for k, v in os.environ.items() if k != "GODEBUG"}
    wall = {p: {a: [] for a in ARMS} for p in ("tiny", "heavy")}
    cpu = {p: {a: [] for a in ARMS} for p in ("tiny", "heavy")}
    for _ in range(ROUNDS):
        for pkg in ("tiny", "heavy"):
            order = list(ARMS)
            random.shuffle(order)
            for a in order:
                arm, extra = ARMS[a]
                env = dict(env0, LEAKHOUND_BENCH_ARM=arm, **extra)
                t0 = time.perf_counter()
                p = subprocess.Popen([os.path.join(tmp, f"bin-{pkg}"), "-test.count=1"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                wall[pkg][a].append((time.perf_counter() - t0) * 1000)
                cpu[pkg][a].append((ru.ru_utime + ru.ru_stime) * 1000)
                if status != 0:
                    sys.exit(f"{pkg} {a}: the test binary failed")
    for kind, data in (("wall", wall), ("cpu", cpu)):
        for pkg, arms in data.items():
            base = statistics.median(arms["plain"])
            print(f"== {pkg}, {kind} time, {ROUNDS} rounds, ms: median [min-max]")
            for a, v in arms.items():
                m = statistics.median(v)
                print(f"  {a:24s} {m:8.1f} [{min(v):7.1f}-{max(v):7.1f}]  {100 * (m - base) / base:+6.1f}% vs plain")

if __name__ == "__main__":
    main()
