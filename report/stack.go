package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
)

// diagnoseStack is g's diagnosis from its stack alone: what New gives
// every group, and what package explain keeps where no source tells more.
func (r *Report) diagnoseStack(g *Group) Diagnosis {
	ev := r.StackEvidence(g)
	if d, ok := r.StackShape(g, ev); ok {
		return d
	}
	return r.StackDiagnosis(g, ev)
}

// StackEvidence returns the evidence every diagnosis of g starts with: its
// wait state, where it blocks and where it was started.
func (r *Report) StackEvidence(g *Group) []string {
	ev := []string{"state: " + stateEvidence(g)}
	if g.Block.Func != "" {
		ev = append(ev, fmt.Sprintf("blocks at %s in %s", r.Pos(g.Block), g.Block.Func))
	}
	if g.CreatedBy != nil {
		ev = append(ev, fmt.Sprintf("created at %s by %s", r.Pos(*g.CreatedBy), g.CreatedBy.Func))
	}
	return ev
}

// StackDiagnosis returns g's diagnosis from its stack alone, less certain
// than one from source: the fallback pattern of its reason (FallbackPattern),
// or PatternHTTPHandlerCtx for a channel wait inside an HTTP handler. ev is
// the evidence so far: StackEvidence and what the source reader could
// add (why the source did not tell more); it is extended, not copied.
func (r *Report) StackDiagnosis(g *Group, ev []string) Diagnosis {
	id := FallbackPattern(g.Reason)
	var frames []profile.Frame
	if g.Stack != nil {
		frames = g.Stack.Frames
	}
	if under := HTTPHandler(frames); under != "" && g.Reason.OnChannel() {
		id = PatternHTTPHandlerCtx
		ev = append(ev, "the goroutine serves an HTTP request ("+under+" is on the stack)")
	}
	p, _ := PatternByID(id)
	summary := fmt.Sprintf("%s at %s: %s", reasonPhrase(g.Reason, g.State), r.Pos(g.Block), words.LowerFirst(p.Title))
	if g.Reason != ReasonRuntime && g.Reason != ReasonRunning {
		summary += " (from the stack alone, less certain)"
	}
	return Diagnosis{PatternID: id, Summary: summary, Evidence: ev}
}

// Pos returns where f is as a diagnosis quotes it: the file as RelPath
// shows it, and the line.
func (r *Report) Pos(f profile.Frame) string {
	if f.File == "" {
		return "an unknown place (no stack)"
	}
	return r.RelPath(f.File) + ":" + strconv.Itoa(f.Line)
}

// OnChannel reports whether the reason is a wait on channels: a receive,
// a send or a select.
func (r Reason) OnChannel() bool {
	return r == ReasonChanReceive || r == ReasonChanSend || r == ReasonSelect
}

// stateEvidence is the wait state as evidence: as printed, with what the
// runtime proved.
func stateEvidence(g *Group) string {
	s := g.State
	if s == "" {
		s = "not printed (aggregated profile), classified from the stack as " + string(g.Reason)
	}
	if g.Leaked > 0 {
		s += fmt.Sprintf(" — %d proven leaked by the runtime", g.Leaked)
	}
	if g.Stack != nil && g.Stack.Durable {
		s += fmt.Sprintf(" — durably blocked in synctest bubble %d", g.Stack.Bubble)
	}
	return s
}

// reasonPhrase says what the goroutines are doing, for summaries: the
// reason's title, or the state as printed when the reason is unknown.
func reasonPhrase(r Reason, state string) string {
	if (r == ReasonUnknown || r == "") && state != "" {
		return state
	}
	return r.Title()
}

// HTTPHandler returns the net/http frame of frames that shows the
// goroutine serves an HTTP request, "" when none does.
func HTTPHandler(frames []profile.Frame) string {
	for _, f := range frames {
		switch f.Func {
		case "net/http.HandlerFunc.ServeHTTP", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP":
			return f.Func
		}
	}
	return ""
}

// StackShape returns g's diagnosis when its stack alone tells it for
// certain: the goroutines of HTTP clients and servers, and iter.Pull
// coroutines. ev is StackEvidence; ok is false for any other stack.
func (r *Report) StackShape(g *Group, ev []string) (Diagnosis, bool) {
	var frames []profile.Frame
	if g.Stack != nil {
		frames = g.Stack.Frames
	}
	creator := ""
	if g.CreatedBy != nil {
		// Generic functions print with "[...]" for their type arguments.
		creator = strings.TrimSuffix(g.CreatedBy.Func, "[...]")
	}
	for _, f := range frames {
		switch f.Func {
		case "net/http.(*persistConn).readLoop", "net/http.(*persistConn).writeLoop":
			return Diagnosis{
				PatternID: PatternHTTPClientConn,
				Summary: fmt.Sprintf("an HTTP client connection's %s is still running: a response body was not "+
					"closed, or idle connections were not closed when the client was done", FuncShort(f.Func)),
				Evidence: append(ev, f.Func+" is on the stack: it lives as long as its client connection"),
			}, true
		}
	}
	if creator == "net/http.(*Transport).dialConn" {
		return Diagnosis{
			PatternID: PatternHTTPClientConn,
			Summary:   "a goroutine of an open HTTP client connection: close response bodies and idle connections",
			Evidence:  append(ev, "created by net/http.(*Transport).dialConn: it belongs to a client connection"),
		}, true
	}
	if strings.HasPrefix(creator, "net/http/httptest.") {
		return Diagnosis{
			PatternID: PatternHTTPTestServer,
			Summary:   "the accept loop of an httptest.Server that was never closed",
			Evidence:  append(ev, "created by "+creator+": it runs until the test server's Close"),
		}, true
	}
	if creator == "net/http.(*Server).Serve" && HTTPHandler(frames) == "" {
		return Diagnosis{
			PatternID: PatternHTTPTestServer,
			Summary: "an HTTP server connection waiting for its next request: the server (an httptest.Server?) " +
				"was never closed",
			Evidence: append(ev, "created by net/http.(*Server).Serve and not inside a handler"),
		}, true
	}
	if creator == "iter.Pull" || creator == "iter.Pull2" {
		return Diagnosis{
			PatternID: PatternPullNotStopped,
			Summary:   "the coroutine of an " + creator + " iterator that was abandoned without calling stop",
			Evidence:  append(ev, "created by "+creator),
		}, true
	}
	return Diagnosis{}, false
}
