// Package livepage serves a leak report of the running process over HTTP:
// the page "leakhound report" would write for a goroutine dump of this
// process, taken when the page is asked for, with the runtime's proof of
// leaks where this Go has it (Go 1.27, or Go 1.26 built with
// GOEXPERIMENT=goroutineleakprofile).
//
// Unlike net/http/pprof, importing the package registers nothing: a
// service mounts the Handler itself, where it chooses,
//
//	mux.Handle("/debug/leaks", livepage.Handler(livepage.Options{}))
//
// and ?format=json (or an Accept header asking for application/json)
// returns the report as JSON, in the form report.ReadJSON reads, for
// scrapers.
//
// # Exposure
//
// Like net/http/pprof, the page shows the program's internals: function
// names, file paths, goroutine labels (which may hold request data) and
// the shape of every goroutine's stack. Serve it only where /debug/pprof
// would be served: on a loopback or internal listener, or behind the
// service's own authentication — never on a public port. Each request
// captures every goroutine's stack and, where the leak profile is used,
// runs a full garbage collection; requests are served one at a time, so a
// burst of them queues rather than piling up collections.
//
// The page shows no source text by default: the diagnosis rests on the
// stacks alone and no file is read. Options.Source lets it read the
// source files the stacks name (where they exist on the serving machine)
// for the blocking line's excerpt and, with Options.Explain (package
// explain), a sharper diagnosis; turn it on only where the page's readers
// may see that source.
package livepage

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"runtime/pprof"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Options configure a Handler. The zero value is a page without source
// text that uses the leak profile where the runtime has it.
type Options struct {
	// Title names the page (default "Goroutines of this process").
	Title string
	// Source lets the diagnosis read the source files the stacks name,
	// and the page show the blocking line's excerpt. Off by default: see
	// the package documentation.
	Source bool
	// Explain, when set with Source, explains the report from the source
	// files, for the sharper diagnosis: pass a function calling
	// explain.Report. Nil keeps the diagnosis the stacks give, with
	// Source showing the excerpts alone. A function, so that a service
	// serving the page does not link the type checker unless it asks to.
	Explain func(*report.Report)
	// ModuleRoot shows paths under it relative to it; with Source, it is
	// where the module's source is: only Go files under it, GOROOT and
	// the module cache are read, whatever paths the stacks name.
	ModuleRoot string
	// NoLeakProfile skips the runtime's leak profile even where it is
	// available, saving the garbage collection each request otherwise
	// runs; no group is then proven leaked.
	NoLeakProfile bool
	// All also shows the goroutines whose every frame is runtime or
	// standard library code (GC workers, idle connections), hidden by
	// default as "leakhound report" hides them.
	All bool
}

// Handler returns the handler serving the report of the running process.
func Handler(opts Options) http.Handler {
	if opts.Title == "" {
		opts.Title = "Goroutines of this process"
	}
	return &handler{opts: opts}
}

type handler struct {
	opts Options
	mu   sync.Mutex // one capture at a time
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rep, err := h.build(profile.CurrentID())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		err = rep.WriteJSON(&buf)
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = rep.WriteHTML(&buf)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(buf.Bytes())
}

// wantsJSON reports whether the request asks for the JSON form.
func wantsJSON(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "json"
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if t, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && t == "application/json" {
			return true
		}
	}
	return false
}

// build captures the process and builds its report, leaving out the
// goroutine serving the request (self).
func (h *handler) build(self int64) (*report.Report, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	snap, proof, err := h.capture()
	if err != nil {
		return nil, err
	}
	leaks := make([]report.Leak, 0, len(snap.Goroutines))
	hidden := 0
	for _, g := range snap.Goroutines {
		if g.ID == self {
			continue
		}
		if !h.opts.All && g.StandardOnly() {
			hidden += g.Weight()
			continue
		}
		leaks = append(leaks, report.Leak{Goroutine: g})
	}
	rep := report.New(leaks, report.Options{Title: h.opts.Title, ModuleRoot: h.opts.ModuleRoot, NoSource: !h.opts.Source, Dump: true})
	if h.opts.Source && h.opts.Explain != nil {
		h.opts.Explain(rep)
	}
	if proof {
		rep.Notes = append(rep.Notes, "The runtime's leak profile was taken: groups it proved leaked say so, and come first.")
	} else {
		rep.Notes = append(rep.Notes, "This runtime has no leak profile (it needs Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile), or it was turned off: no group is proven leaked, and blocked is not leaked.")
	}
	if hidden > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d goroutines whose every frame is runtime or standard library code are not shown.", hidden))
	}
	if !h.opts.Source {
		rep.Notes = append(rep.Notes, "No source file was read: the diagnoses rest on the stacks alone.")
	}
	return rep, nil
}

// capture takes every goroutine of the process; through the leak profile
// when it is used, which marks the goroutines the runtime proves leaked.
func (h *handler) capture() (snap *profile.Snapshot, proof bool, err error) {
	if p := pprof.Lookup("goroutineleak"); p != nil && !h.opts.NoLeakProfile {
		var buf bytes.Buffer
		// At debug=2 the leak profile runs the detecting collection, then
		// writes every goroutine, the proven ones marked "(leaked)".
		if err := p.WriteTo(&buf, 2); err != nil {
			return nil, false, fmt.Errorf("writing the goroutineleak profile: %w", err)
		}
		snap, err := profile.ParseBytes(buf.Bytes())
		if err != nil {
			return nil, false, fmt.Errorf("reading the goroutineleak profile: %w", err)
		}
		return snap, true, nil
	}
	snap, err = profile.Capture()
	if err != nil {
		return nil, false, fmt.Errorf("capturing the goroutines: %w", err)
	}
	return snap, false, nil
}
