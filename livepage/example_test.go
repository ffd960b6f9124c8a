package livepage_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/leakhound/leakhound/livepage"
	"github.com/leakhound/leakhound/report"
)

// A service mounts the page itself, next to where it serves
// net/http/pprof: on an internal listener, never a public one. Scrapers
// ask for ?format=json.
func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle("/debug/leaks", livepage.Handler(livepage.Options{}))
	srv := httptest.NewServer(mux) // in a service: http.ListenAndServe("127.0.0.1:6060", mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/debug/leaks?format=json")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	doc, err := report.ReadJSON(resp.Body)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Header.Get("Content-Type"))
	fmt.Println(doc.Reports[0].Title)
	fmt.Println("every goroutine of a dump:", doc.Reports[0].Dump)
	// Output:
	// application/json; charset=utf-8
	// Goroutines of this process
	// every goroutine of a dump: true
}
