package httphandler

import "net/http"

// Server serves rendered reports over HTTP.
type Server struct {
	Renderer *Renderer
}

// LeakyReport serves GET /report?name=N. It queues the render and then waits
// for it with a plain receive: if the client disconnects or times out, the
// request's context is cancelled, but nothing here watches it, so this
// handler's goroutine keeps waiting for as long as the render takes.
func (s *Server) LeakyReport(w http.ResponseWriter, r *http.Request) {
	done, err := s.Renderer.Submit(r.URL.Query().Get("name"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	pdf := <-done // leak: blocks here
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(pdf)
}
