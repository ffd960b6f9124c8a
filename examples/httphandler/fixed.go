package httphandler

import "net/http"

// Report serves GET /report?name=N like LeakyReport, but stops waiting as
// soon as the request's context is done: a client that gives up releases
// the handler at once. The render itself finishes on the Renderer and its
// result is dropped into the job's buffered channel, so nothing waits.
func (s *Server) Report(w http.ResponseWriter, r *http.Request) {
	done, err := s.Renderer.Submit(r.URL.Query().Get("name"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	select {
	case pdf := <-done:
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdf)
	case <-r.Context().Done():
		// The client is gone; there is nobody to answer.
	}
}
