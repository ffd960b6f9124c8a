package leakcheck

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// Random goroutine programs whose truth is known by construction, for the
// differential test (differential_test.go).
//
// A program is a tree of goroutines. The test goroutine starts some before
// Check (never the test's, some not yet scheduled when Check runs), feeds a
// worker started before Check, and starts the body after Check: spawn trees
// up to depth 4, by go statements of every form, timers and context
// deadlines, some of them relabelled with pprof.Do or SetGoroutineLabels.
// Every goroutine of the body either finishes (at once, or after a short
// sleep) or blocks until the program releases it; the ones that block are
// exactly the test's leaks. Each goroutine records its ID when it starts, so
// a report can be compared with the truth goroutine by goroutine.

// ending is what a goroutine does once it has started its children.
type ending int

const (
	endFast      ending = iota // return at once
	endSlow                    // return after a short sleep or timer
	endChanSend                // send on a channel nobody receives from
	endChanRecv                // receive from a channel nobody sends on
	endNilChan                 // receive from a nil channel: forever
	endSelect                  // select on channels nobody uses
	endMutex                   // Lock a Mutex the program holds
	endRWMutex                 // RLock an RWMutex the program holds for writing
	endCond                    // wait on a Cond nobody signals
	endWaitGroup               // wait on a WaitGroup nobody is done with
	endIO                      // read a pipe nobody writes to
	endSleep                   // sleep far past the settle budget
	endSpin                    // run (yield in a loop) until released
	numEndings
)

var endingNames = [numEndings]string{
	"fast", "slow", "chan-send", "chan-recv", "nil-chan", "select", "mutex",
	"rwmutex", "cond", "waitgroup", "io", "sleep", "spin",
}

func (e ending) String() string { return endingNames[e] }

// blocks reports whether a goroutine with this ending is still there when
// the check looks: a leak when the test started it.
func (e ending) blocks() bool { return e >= endChanSend }

// how is the way a goroutine is started.
type how int

const (
	goWithArg     how = iota // go f(arg), compiled through a wrapper
	goFuncValue              // go f()
	goClosure                // go func() { ... }()
	byAfterFunc              // time.AfterFunc: a goroutine the runtime's timer starts
	byContextFunc            // context.AfterFunc on a context whose deadline passes
	numHows
)

var howNames = [numHows]string{"go f(arg)", "go f()", "go func", "AfterFunc", "context.AfterFunc"}

func (h how) String() string { return howNames[h] }

// relabel is what a goroutine does to its pprof labels before it starts its
// children and ends.
type relabel int

const (
	keepLabels relabel = iota
	relabelDo          // pprof.Do(context.Background(), ...) around the rest
	relabelSet         // pprof.SetGoroutineLabels(context.Background())
)

// node is one goroutine of a program.
type node struct {
	how     how
	relabel relabel
	end     ending
	kids    []*node

	// Filled in by the run.
	id   atomic.Int64
	done atomic.Bool
}

// program is one generated test.
type program struct {
	seed int64
	pre  []*node // started by the test goroutine before Check
	// burst is how many goroutines the test goroutine starts with go f(arg)
	// just before Check, most of them not yet scheduled when it runs.
	burst int
	// pool is the number of jobs the test hands to a worker started before
	// Check; each job runs in a goroutine the worker starts.
	pool []ending
	// body is started by the test goroutine after Check.
	body       []*node
	bodyInDo   bool // the body runs inside pprof.Do(context.Background())
	bodyTimer  bool // the body waits on time.After (no goroutine)
	signalCtx  int  // 0: none; 1: signal.NotifyContext, stopped; 2: never stopped
	allowTimer bool // timers and context deadlines may start body goroutines
}

// pick returns an index into weights, chosen with probability proportional
// to its weight.
func pick(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// generate makes the program of a seed. The same seed always gives the same
// program.
func generate(seed int64) *program {
	r := rand.New(rand.NewPCG(uint64(seed), 0x1eac))
	p := &program{seed: seed, allowTimer: r.IntN(3) > 0}
	// About a third of the programs leak nothing, so a clean check is
	// tested as often as a failing one.
	leaky := r.IntN(3) > 0
	for range pick(r, 3, 3, 2, 1) {
		p.pre = append(p.pre, genPre(r, 1))
	}
	if r.IntN(4) == 0 {
		p.burst = 20 + r.IntN(300)
	}
	if r.IntN(4) == 0 {
		for range 1 + r.IntN(3) {
			p.pool = append(p.pool, []ending{endFast, endSlow, endChanRecv, endMutex}[r.IntN(4)])
		}
	}
	for range 1 + r.IntN(3) {
		p.body = append(p.body, genBody(r, p, 1, leaky))
	}
	p.bodyInDo = r.IntN(8) == 0
	p.bodyTimer = r.IntN(6) == 0
	if r.IntN(8) == 0 {
		p.signalCtx = 1
		if leaky && r.IntN(2) == 0 {
			p.signalCtx = 2
		}
	}
	return p
}

// genPre makes a goroutine started before Check. It stays alive until the
// program ends (its children are tied to it), and it only waits on what the
// program can release even before it has started.
func genPre(r *rand.Rand, depth int) *node {
	n := &node{how: how(r.IntN(int(goClosure) + 1))}
	n.end = []ending{endChanRecv, endSelect, endMutex, endCond, endWaitGroup, endIO, endSpin}[pick(r, 4, 2, 1, 1, 1, 1, 1)]
	if depth < 2 && r.IntN(3) == 0 {
		n.kids = append(n.kids, genPre(r, depth+1))
	}
	return n
}

// genBody makes a goroutine of the body at depth (1 = started by the test
// goroutine) with up to 4-depth generations below it.
func genBody(r *rand.Rand, p *program, depth int, leaky bool) *node {
	n := &node{}
	if p.allowTimer {
		n.how = how(pick(r, 3, 2, 3, 1, 1))
	} else {
		n.how = how(pick(r, 3, 2, 3))
	}
	n.relabel = relabel(pick(r, 8, 1, 1))
	if leaky {
		n.end = ending(pick(r, 6, 4, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 0))
	} else {
		n.end = ending(pick(r, 6, 4))
	}
	if depth < 4 {
		for range pick(r, 5, 3, 1) {
			n.kids = append(n.kids, genBody(r, p, depth+1, leaky))
		}
	}
	return n
}

// String prints the program in a few lines, for a failing seed.
func (p *program) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d:\n", p.seed)
	if len(p.pre) > 0 || p.burst > 0 || len(p.pool) > 0 {
		b.WriteString("  before Check:")
		for _, n := range p.pre {
			b.WriteString(" " + n.String())
		}
		if p.burst > 0 {
			fmt.Fprintf(&b, " %d×go f(arg)→chan-recv", p.burst)
		}
		if len(p.pool) > 0 {
			fmt.Fprintf(&b, " worker(jobs %v)", p.pool)
		}
		b.WriteString("\n")
	}
	b.WriteString("  body")
	if p.bodyInDo {
		b.WriteString(" in pprof.Do")
	}
	b.WriteString(":")
	for _, n := range p.body {
		b.WriteString(" " + n.String())
	}
	if p.bodyTimer {
		b.WriteString(" <-time.After")
	}
	switch p.signalCtx {
	case 1:
		b.WriteString(" NotifyContext+stop")
	case 2:
		b.WriteString(" NotifyContext(no stop)")
	}
	b.WriteString("\n")
	return b.String()
}

func (n *node) String() string {
	s := n.how.String()
	switch n.relabel {
	case relabelDo:
		s += "[Do]"
	case relabelSet:
		s += "[SetLabels]"
	}
	s += "→" + n.end.String()
	if len(n.kids) > 0 {
		kids := make([]string, len(n.kids))
		for i, k := range n.kids {
			kids[i] = k.String()
		}
		s += "{" + strings.Join(kids, ", ") + "}"
	}
	return s
}

// walk calls fn for n and every goroutine below it, with whether the path
// from the test goroutine kept its labels.
func (n *node) walk(labelled bool, fn func(n *node, labelled bool)) {
	labelled = labelled && n.relabel == keepLabels && n.how != byAfterFunc && n.how != byContextFunc
	fn(n, labelled)
	for _, k := range n.kids {
		k.walk(labelled, fn)
	}
}

// world holds what a program's goroutines block on, so the program can
// release them all at the end.
type world struct {
	release  chan struct{} // closed to release receivers, selects, spinners
	mu       sync.Mutex    // held by the program
	rw       sync.RWMutex  // held for writing by the program
	cond     *sync.Cond
	condDone bool
	wg       sync.WaitGroup // one Add the program is done with at the end
	pr, pw   *os.File

	sendMu sync.Mutex
	sends  []chan int

	stopMu sync.Mutex
	stops  []func()

	started sync.WaitGroup // body goroutines that have not started yet
	alive   sync.WaitGroup // goroutines the release must wait for

	notOurs sync.Map // IDs of goroutines the test did not start
	jobs    chan *node
}

func newWorld() (*world, error) {
	w := &world{release: make(chan struct{}), jobs: make(chan *node)}
	w.cond = sync.NewCond(new(sync.Mutex))
	w.mu.Lock()
	w.rw.Lock()
	w.wg.Add(1)
	var err error
	if w.pr, w.pw, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("making a pipe to block on: %w", err)
	}
	return w, nil
}

// forever is how long a sleeping leak sleeps: far past any settle budget
// the differential test uses, short enough to end by itself. On a starved
// machine a check can still take longer; a sleeper that has returned by the
// time the verdicts are compared is not counted as a leak (see truthOf).
const forever = 20 * time.Second

// exec is the life of one goroutine of a program.
func (w *world) exec(n *node, ours bool) {
	id := profile.CurrentID()
	n.id.Store(id)
	if !ours {
		w.notOurs.Store(id, true)
	}
	rest := func() {
		for _, k := range n.kids {
			w.spawn(k, ours)
		}
		send := w.prepare(n)
		if ours {
			w.started.Done()
		}
		w.end(n, send)
	}
	switch n.relabel {
	case relabelDo:
		pprof.Do(context.Background(), pprof.Labels("fuzz", "job"), func(context.Context) { rest() })
	case relabelSet:
		pprof.SetGoroutineLabels(context.Background())
		rest()
	default:
		rest()
	}
}

// runNode is the function of the go f(arg) form.
func runNode(w *world, n *node, ours bool) {
	defer w.untrack(n)
	w.exec(n, ours)
}

// tracked reports whether the release waits for n's goroutine: not for
// one that blocks forever or sleeps.
func tracked(n *node) bool { return n.end != endNilChan && n.end != endSleep }

func (w *world) track(n *node) {
	if tracked(n) {
		w.alive.Add(1)
	}
}

func (w *world) untrack(n *node) {
	if tracked(n) {
		w.alive.Done()
	}
}

// prepare makes what n's ending needs before the goroutine says it has
// started, so the release knows about it: the channel a sender sends on.
func (w *world) prepare(n *node) chan int {
	if n.end != endChanSend {
		return nil
	}
	c := make(chan int)
	w.sendMu.Lock()
	w.sends = append(w.sends, c)
	w.sendMu.Unlock()
	return c
}

// spawn starts the goroutine of n the way n says.
func (w *world) spawn(n *node, ours bool) {
	if ours {
		w.started.Add(1)
	}
	w.track(n)
	switch n.how {
	case goWithArg:
		go runNode(w, n, ours)
	case goFuncValue:
		f := w.thunk(n, ours)
		go f()
	case goClosure:
		go func() {
			defer w.untrack(n)
			w.exec(n, ours)
		}()
	case byAfterFunc:
		time.AfterFunc(time.Duration(rand.IntN(500))*time.Microsecond, func() {
			defer w.untrack(n)
			w.exec(n, ours)
		})
	case byContextFunc:
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(500))*time.Microsecond)
		w.addStop(cancel)
		context.AfterFunc(ctx, func() {
			defer w.untrack(n)
			w.exec(n, ours)
		})
	}
}

func (w *world) thunk(n *node, ours bool) func() {
	return func() {
		defer w.untrack(n)
		w.exec(n, ours)
	}
}

func (w *world) addStop(stop func()) {
	w.stopMu.Lock()
	defer w.stopMu.Unlock()
	w.stops = append(w.stops, stop)
}

// end does what n's ending says.
func (w *world) end(n *node, send chan int) {
	defer n.done.Store(true)
	switch n.end {
	case endFast:
	case endSlow:
		d := time.Duration(1+rand.IntN(3)) * time.Millisecond
		if rand.IntN(2) == 0 {
			<-time.After(d)
		} else {
			time.Sleep(d)
		}
	case endChanSend:
		send <- 1
	case endChanRecv:
		<-w.release
	case endNilChan:
		// Never released, and not waited for (see tracked).
		var c chan int
		<-c
	case endSelect:
		never := make(chan int)
		select {
		case <-w.release:
		case <-never:
		}
	case endMutex:
		w.mu.Lock()
		w.mu.Unlock() //nolint:staticcheck // the wait is the point
	case endRWMutex:
		w.rw.RLock()
		w.rw.RUnlock() //nolint:staticcheck // the wait is the point
	case endCond:
		w.cond.L.Lock()
		for !w.condDone {
			w.cond.Wait()
		}
		w.cond.L.Unlock()
	case endWaitGroup:
		w.wg.Wait()
	case endIO:
		var b [1]byte
		_, _ = w.pr.Read(b[:])
	case endSleep:
		time.Sleep(forever)
	case endSpin:
		for {
			select {
			case <-w.release:
				return
			default:
				runtime.Gosched()
			}
		}
	}
}

// startBefore starts what runs before Check: the pre goroutines, the burst
// and the worker. None of it is waited for: some of it has not been
// scheduled yet when Check runs.
func (w *world) startBefore(p *program, burstNode *node) {
	for _, n := range p.pre {
		w.spawn(n, false)
	}
	for range p.burst {
		w.track(burstNode)
		go runNode(w, burstNode, false)
	}
	if len(p.pool) > 0 {
		w.alive.Add(1)
		go w.worker()
	}
}

// worker serves the jobs of the test, each in a goroutine of its own.
func (w *world) worker() {
	defer w.alive.Done()
	w.notOurs.Store(profile.CurrentID(), true)
	for n := range w.jobs {
		ready := make(chan struct{})
		w.track(n)
		go func() {
			defer w.untrack(n)
			n.id.Store(profile.CurrentID())
			w.notOurs.Store(n.id.Load(), true)
			send := w.prepare(n)
			close(ready)
			w.end(n, send)
		}()
		<-ready
	}
}

// runBody does the test's work after Check: the jobs, the body, the signal
// context and the timer. It returns once every goroutine of the body has
// started.
func (w *world) runBody(p *program, jobs []*node) {
	for _, j := range jobs {
		w.jobs <- j
	}
	body := func() {
		for _, n := range p.body {
			w.spawn(n, true)
		}
		switch p.signalCtx {
		case 1:
			_, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			stop()
		case 2:
			_, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			w.addStop(stop)
		}
		if p.bodyTimer {
			<-time.After(time.Millisecond)
		}
	}
	if p.bodyInDo {
		// Afterwards the test goroutine has no label at all: pprof.Do
		// restores the labels of the context it was given.
		pprof.Do(context.Background(), pprof.Labels("fuzz", "body"), func(context.Context) { body() })
	} else {
		body()
	}
	w.started.Wait()
}

// releaseAll frees every goroutine the program left blocked and waits for
// them to return, except those that block forever or sleep.
func (w *world) releaseAll() {
	close(w.release)
	w.mu.Unlock()
	w.rw.Unlock()
	w.cond.L.Lock()
	w.condDone = true
	w.cond.Broadcast()
	w.cond.L.Unlock()
	w.wg.Done()
	_ = w.pw.Close()
	close(w.jobs)
	w.stopMu.Lock()
	for _, stop := range w.stops {
		stop()
	}
	w.stopMu.Unlock()
	// Senders may still be on their way to the send: take one value from
	// each, once they are all known.
	w.sendMu.Lock()
	sends := w.sends
	w.sendMu.Unlock()
	for _, c := range sends {
		<-c
	}
	w.alive.Wait()
	_ = w.pr.Close()
}
