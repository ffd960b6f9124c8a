package fixrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// goRunner runs the go command for one fix session: every run has a
// timeout, is killed with its children when the session is cancelled, and
// counts against the session's cap.
type goRunner struct {
	goCmd   string
	dir     string   // where go runs: the module root
	env     []string // the environment of every run
	timeout time.Duration
	maxRuns int

	mu   sync.Mutex
	runs int
}

// errRunCap is returned once the session has used its runs.
var errRunCap = errors.New("the cap on runs (-max-runs) is reached")

// runResult is what one go invocation did.
type runResult struct {
	out      []byte // stdout and stderr, interleaved
	err      error  // nil when go exited 0
	timedOut bool
}

// run runs go with args and extra environment. It returns errRunCap
// without running when the cap is reached, and ctx's error when the
// session was cancelled.
func (g *goRunner) run(ctx context.Context, extraEnv []string, args ...string) (runResult, error) {
	g.mu.Lock()
	if g.maxRuns > 0 && g.runs >= g.maxRuns {
		g.mu.Unlock()
		return runResult{}, errRunCap
	}
	g.runs++
	g.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return runResult{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, g.goCmd, args...)
	cmd.Dir = g.dir
	cmd.Env = append(append([]string(nil), g.env...), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	killGroup(cmd)
	// A test binary that ignores the kill of its group still cannot hold
	// the session: its output pipes are abandoned after this delay.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return runResult{}, ctx.Err()
	}
	res := runResult{out: out.Bytes(), err: err}
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		res.timedOut = true
		res.err = fmt.Errorf("go %s did not finish within %v (-timeout)", strings.Join(args, " "), g.timeout)
	}
	return res, nil
}

// used returns the number of runs started so far.
func (g *goRunner) used() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.runs
}

// left returns the runs left before the cap, -1 when there is no cap.
func (g *goRunner) left() int {
	if g.maxRuns <= 0 {
		return -1
	}
	return max(0, g.maxRuns-g.used())
}
