package watch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/leakhound/leakhound/watch"
)

// A watch of one process whose goroutines blocked in Fetch grow by three
// at every look. The process stands in for a service: it serves the
// goroutine dump under /debug/pprof as net/http/pprof does, and no leak
// profile (as before Go 1.27). The goroutines of one look are still there
// at the next, under the same IDs, as leaked goroutines are.
func Example() {
	var looks atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/debug/pprof/goroutine" {
			http.NotFound(w, r)
			return
		}
		n := looks.Add(1)
		for i := range 3 * n {
			fmt.Fprintf(w, "goroutine %d [chan send]:\nexample.com/shop.Fetch.func1()\n\t/src/shop/fetch.go:12 +0x2a\n"+
				"created by example.com/shop.Fetch in goroutine 1\n\t/src/shop/fetch.go:10 +0x9c\n\n", 100+i)
		}
	}))
	defer srv.Close()

	w, err := watch.New([]string{srv.URL}, watch.Options{})
	if err != nil {
		panic(err)
	}
	for range 8 {
		w.Look(context.Background()) // in a watch, every few seconds
	}
	res := w.Report(watch.ReportOptions{NoSource: true})
	for i, st := range res.Groups {
		g := res.Report.Groups[i]
		fmt.Println(st.Verdict, g.Count, g.Block.Func, st.Trend)
	}
	fmt.Println(res.Targets[0].LeakProfile)
	// Output:
	// growing 24 example.com/shop.Fetch.func1 [3 6 9 12 15 18 21 24]
	// false
}
