// Command service is the program the watch tests watch: a server on
// loopback with net/http/pprof mounted and a /work endpoint whose
// behaviour the -mode flag picks. It prints its address on the first line
// of standard output.
//
//	leak    each request starts a goroutine that waits forever on a
//	        channel nothing else holds (the runtime can prove it leaked)
//	steady  ten goroutines wait on a channel a global holds; requests
//	        start nothing
//	bursts  each request starts twenty goroutines that wait on a channel
//	        closed 100 ms later, or at once on a request to /drain,
//	        which answers when they have ended: bursts that drain
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/livepage"
	"github.com/leakhound/leakhound/report"
)

// hold keeps the steady goroutines' channel reachable: they wait, but not
// forever.
var hold = make(chan struct{})

func main() {
	mode := flag.String("mode", "leak", "leak, steady or bursts")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.Handle("/debug/leaks", livepage.Handler(livepage.Options{}))
	// The source read is this program's: only files under ModuleRoot
	// (and GOROOT, the module cache) are ever read.
	_, self, _, _ := runtime.Caller(0)
	mux.Handle("/debug/leaks-src", livepage.Handler(livepage.Options{Source: true, ModuleRoot: filepath.Dir(self),
		Explain: func(r *report.Report) { explain.Report(r, explain.Options{}) }}))
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		switch *mode {
		case "leak":
			leakOne()
		case "bursts":
			burst()
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/drain", func(w http.ResponseWriter, r *http.Request) {
		drain()
		fmt.Fprintln(w, "drained")
	})
	if *mode == "steady" {
		for range 10 {
			go func() { <-hold }()
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, mux))
}

// leakOne starts a goroutine that receives from a channel no one sends on
// and no one else can reach.
func leakOne() {
	forgotten := make(chan int)
	go func() {
		<-forgotten
	}()
}

// The bursts not yet drained, and their goroutines.
var (
	mu      sync.Mutex
	pending []func()
	running sync.WaitGroup
)

// burst starts goroutines that all end when a timer, or drain, closes
// their channel.
func burst() {
	done := make(chan struct{})
	end := sync.OnceFunc(func() { close(done) })
	for range 20 {
		running.Go(func() { <-done })
	}
	mu.Lock()
	pending = append(pending, end)
	mu.Unlock()
	time.AfterFunc(100*time.Millisecond, end)
}

// drain ends every burst and waits for their goroutines to return.
func drain() {
	mu.Lock()
	ends := pending
	pending = nil
	mu.Unlock()
	for _, end := range ends {
		end()
	}
	running.Wait()
}
