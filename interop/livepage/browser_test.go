package livepage_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/leakhound/leakhound/internal/testservice"
	"github.com/leakhound/leakhound/interop/internal/browsertest"
	"github.com/leakhound/leakhound/report"
)

// The browser test follows interop/report/browser_test.go: headless Chromium
// through chromedp, skipped without a browser unless CI is set.

// pageProblems collects console errors, exceptions and requests the page
// makes, which must all stay on the service's own origin.
type pageProblems struct {
	mu       sync.Mutex
	problems []string
	requests []string
}

func (p *pageProblems) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeWarning {
			p.problems = append(p.problems, fmt.Sprintf("console.%s", ev.Type))
		}
	case *cdpruntime.EventExceptionThrown:
		p.problems = append(p.problems, "uncaught exception: "+ev.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		// The browser asks an http origin for /favicon.ico by itself; the
		// service serving none is not the page's fault.
		if ev.Entry.Level == cdplog.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
			p.problems = append(p.problems, "browser log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	}
}

// TestBrowserPage opens a real process's live page, served by livepage's
// handler in a service built with Go 1.27, in headless Chromium.
func TestBrowserPage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := browsertest.Find(t, "the live page", os.Getenv)
	s := testservice.Start(t, testservice.GoWith, "leak", "127.0.0.1:0")
	for range 3 {
		if err := s.Get("/work"); err != nil {
			t.Fatal(err)
		}
	}
	waitLeaked(t, s, 3) // all three blocked before the page is asked for

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-crash-reporter", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()
	var problems pageProblems
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/debug/leaks")); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluating %s: %v", js, err)
		}
		return v
	}
	// The leak's card: found by its blocking function, visible, with its
	// count and the runtime's proof.
	card := `[...document.querySelectorAll("article.group")].find(a => a.querySelector("h3 code").title === "main.leakOne.func1")`
	checks := []struct{ name, js, want string }{
		{"card visible", `String(!!` + card + ` && ` + card + `.checkVisibility())`, "true"},
		{"count", card + `.querySelector(".count").textContent`, "3×"},
		{"proof", `[...` + card + `.querySelectorAll("dt")].find(d => d.textContent === "Proved").nextElementSibling.textContent`, "3 of 3 reported leaked by the Go runtime"},
		{"first card is the proven leak", `document.querySelector("article.group h3 code").title`, "main.leakOne.func1"},
		{"no source excerpt", `String(document.querySelectorAll("figure.source, .src-line.hit").length)`, "0"},
		{"notes say the proof was taken", `String(document.querySelector(".notes").textContent.includes("leak profile was taken"))`, "true"},
		{"filters shown by the script", `String(document.getElementById("filters").checkVisibility())`, "true"},
	}
	for _, c := range checks {
		if got := eval(c.js); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	problems.mu.Lock()
	defer problems.mu.Unlock()
	for _, p := range problems.problems {
		t.Error(p)
	}
	for _, u := range problems.requests {
		if !strings.HasPrefix(u, s.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s: it must need nothing but itself", u)
		}
	}
}

// waitLeaked waits until the service's page lists its n leaked goroutines
// blocked in their receive.
func waitLeaked(t *testing.T, s *testservice.Service, n int) {
	t.Helper()
	for range 100 {
		resp, err := http.Get(s.URL + "/debug/leaks?format=json")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := report.ReadJSON(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("the JSON form does not read back: %v", err)
		}
		for _, r := range doc.Reports {
			for _, g := range r.Groups {
				if g.Block.Func == "main.leakOne.func1" && g.Reason == report.ReasonChanReceive && g.Count == n {
					return
				}
			}
		}
	}
	t.Fatalf("no group of %d goroutines blocked in main.leakOne.func1", n)
}
