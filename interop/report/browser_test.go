// Package report opens leakhound's HTML report in headless Chromium and
// uses it as a reader would. It is a nested module's test so that
// chromedp is required by this module alone, not by leakhound's.
package report

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/leakhound/leakhound/internal/golden"
	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/interop/internal/browsertest"
	"github.com/leakhound/leakhound/report"
)

// envScreenshot names a file to copy the browser test's screenshot to;
// `go test -run Browser -update` copies it to report/testdata/screenshot.png.
const envScreenshot = "LEAKHOUND_SCREENSHOT"

// pageProblems collects what a page must never produce: console errors or
// warnings, uncaught exceptions, and requests that leave the report.
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
		if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeWarning || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			p.problems = append(p.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *cdpruntime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		p.problems = append(p.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
			p.problems = append(p.problems, fmt.Sprintf("browser log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	}
}

func (p *pageProblems) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		t.Error(pr)
	}
	for _, u := range p.requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s: a report must need no network", u)
		}
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// visibleCount counts the elements matching sel that a reader sees,
// whatever hid the others: the hidden attribute, CSS, or a closed
// <details> (whose content Chromium keeps laid out but not rendered).
func visibleCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return eval[int](t, ctx, `[...document.querySelectorAll(`+strconv.Quote(sel)+`)].filter(e => e.checkVisibility()).length`)
}

func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// TestBrowserReport opens a report directory written from real leaks in
// headless Chromium and uses it as a reader would.
func TestBrowserReport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := browsertest.Find(t, "the HTML report", os.Getenv)

	dir := t.TempDir()
	want := writePages(t, dir)
	total, groups, realGroups, mutexGroups, sendGroups, poolGroups := want.Total, want.Groups, want.RealGroups, want.MutexGroups, want.SendGroups, want.PoolGroups

	ctx := startBrowser(t, browser, 1280)

	var problems pageProblems
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}

	t.Run("index", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(fileURL(filepath.Join(dir, report.IndexPage))))
		if got := eval[string](t, ctx, `document.querySelector(".verdict b").textContent`); got != strconv.Itoa(total) {
			t.Errorf("headline says %s goroutines, want %d", got, total)
		}
		if got := visibleCount(t, ctx, "table.pkgs tbody tr"); got != 2 {
			t.Errorf("%d package rows, want 2", got)
		}
		if got := visibleCount(t, ctx, "ul.rows li"); got != groups {
			t.Errorf("%d group rows, want %d", got, groups)
		}
		if got := visibleCount(t, ctx, ".chart svg g[data-pick-reason]"); got != want.Reasons {
			t.Errorf("%d chart bars, want one per reason (%d)", got, want.Reasons)
		}
		if visibleCount(t, ctx, "#filters") != 1 {
			t.Fatal("the script did not reveal the filter bar")
		}

		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#filters input[name=q]`), "TestPool"))
		if got := visibleCount(t, ctx, "ul.rows li"); got != poolGroups {
			t.Errorf("filtering by text TestPool shows %d rows, want %d", got, poolGroups)
		}
		if got := eval[string](t, ctx, `document.querySelector("#filters output").textContent`); got != fmt.Sprintf("%d of %d groups shown", poolGroups, groups) {
			t.Errorf("filter count says %q", got)
		}

		do(t, ctx, chromedp.Click(chromedp.CSS(`#filters button[name=clear]`)))
		if got := visibleCount(t, ctx, "ul.rows li"); got != groups {
			t.Errorf("after Clear %d rows shown, want all %d", got, groups)
		}
		eval[chromedp.Void](t, ctx, `(s => { s.value = "mutex"; s.dispatchEvent(new Event("change")); })(document.querySelector("#filters select[name=reason]"))`)
		if got := visibleCount(t, ctx, "ul.rows li"); got != mutexGroups {
			t.Errorf("filtering by reason mutex shows %d rows, want %d", got, mutexGroups)
		}

		do(t, ctx, chromedp.Click(chromedp.CSS(`#filters button[name=clear]`)),
			chromedp.Click(chromedp.CSS(`.chart g[data-pick-reason="chan-send"] rect.bar`)))
		if got := visibleCount(t, ctx, "ul.rows li"); got != sendGroups {
			t.Errorf("clicking the chan-send bar shows %d rows, want %d", got, sendGroups)
		}
	})

	t.Run("package page", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(fileURL(filepath.Join(dir, want.PackagePage))))
		if got := visibleCount(t, ctx, "article.group"); got != realGroups {
			t.Errorf("%d group cards, want %d", got, realGroups)
		}
		if got := visibleCount(t, ctx, "figure.source .src-line.hit"); got != realGroups {
			t.Errorf("%d highlighted source lines, want one per group (%d)", got, realGroups)
		}
		if visibleCount(t, ctx, "#r0-g0 ol.frames") != 0 {
			t.Error("the stack is shown before its summary is clicked")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#r0-g0 details.stack > summary`)))
		if !eval[bool](t, ctx, `document.querySelector("#r0-g0 details.stack").open`) || visibleCount(t, ctx, "#r0-g0 ol.frames") != 1 {
			t.Error("clicking the summary did not unfold the stack")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#r0-g0 details.stack > summary`)))
		if eval[bool](t, ctx, `document.querySelector("#r0-g0 details.stack").open`) {
			t.Error("a second click did not fold the stack again")
		}

		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#filters input[name=q]`), "leaky.worker"))
		if got := visibleCount(t, ctx, "article.group"); got != poolGroups {
			t.Errorf("filtering by function shows %d cards, want %d", got, poolGroups)
		}
		if got := visibleCount(t, ctx, "section[data-section]"); got != 1 {
			t.Errorf("%d report sections shown, want only the one with a match", got)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#filters button[name=clear]`)),
			chromedp.Click(chromedp.CSS(`#filters button[name=expand]`)))
		if got := visibleCount(t, ctx, "ol.frames"); got != realGroups {
			t.Errorf("Unfold stacks showed %d stacks, want %d", got, realGroups)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#filters button[name=expand]`)))

		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		saveScreenshot(t, shot, want.Screenshot)
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tab, cancelTab := chromedp.NewContext(ctx)
		defer cancelTab()
		if err := chromedp.Listen(tab, problems.listen); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		do(t, tab, chromedp.Navigate(fileURL(filepath.Join(dir, want.PackagePage))))
		if visibleCount(t, tab, "#filters") != 0 {
			t.Error("the filter bar shows though no script can make it work")
		}
		if got := visibleCount(t, tab, "article.group"); got != realGroups {
			t.Errorf("%d group cards without JavaScript, want %d", got, realGroups)
		}
		do(t, tab, chromedp.Click(chromedp.CSS(`#r0-g0 details.stack > summary`)))
		if visibleCount(t, tab, "#r0-g0 ol.frames") != 1 {
			t.Error("folding needs JavaScript")
		}
	})

	problems.check(t)
}

// startBrowser starts headless Chromium with a window width px wide, for
// the test's duration.
func startBrowser(t *testing.T, browser string, width int) context.Context {
	t.Helper()
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
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("disable-crash-reporter", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, 2000),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}

// TestBrowserLongNames opens pages whose tests have 200-character subtest
// names, as table tests produce, and a package path of a module with a
// major-version suffix, at 1280 px: nothing may stick out of the page,
// the Packages table's links stay on screen, and an elided test name is
// whole in its title.
func TestBrowserLongNames(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := browsertest.Find(t, "the HTML report", os.Getenv)
	dir := t.TempDir()
	want := writeLongNamePages(t, dir)
	ctx := startBrowser(t, browser, 1280)
	var problems pageProblems
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	// overflowing lists the visible elements whose right edge is past the
	// window, outside the boxes that scroll on their own (source, stacks).
	const overflowing = `[...document.querySelectorAll("body *")].filter(e => e.checkVisibility() &&
		e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest("pre")).map(e => e.tagName + "." + e.className)`
	for name, page := range map[string]string{"index": report.IndexPage, "package page": want.PackagePage} {
		t.Run(name, func(t *testing.T) {
			do(t, ctx, chromedp.Navigate(fileURL(filepath.Join(dir, page))))
			if w, inner := eval[float64](t, ctx, `document.documentElement.scrollWidth`), eval[float64](t, ctx, `window.innerWidth`); w > inner {
				t.Errorf("the page is %v px wide in a %v px window", w, inner)
			}
			if out := eval[[]string](t, ctx, overflowing); len(out) > 0 {
				t.Errorf("elements past the window's right edge: %v", out)
			}
			if got := eval[string](t, ctx, `[...document.querySelectorAll(".testlist code")].map(c => c.title).join("\n")`); !strings.Contains(got, want.LongName) {
				t.Errorf("no test chip carries the full name %q in its title: %q", want.LongName, got)
			}
		})
	}
	t.Run("packages table", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(fileURL(filepath.Join(dir, report.IndexPage))))
		if right := eval[float64](t, ctx, `Math.max(...[...document.querySelectorAll("table.pkgs td.files a")].map(a => a.getBoundingClientRect().right))`); right > eval[float64](t, ctx, `window.innerWidth`) {
			t.Errorf("the files column ends at %v px, off screen", right)
		}
	})
	t.Run("package name", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(fileURL(filepath.Join(dir, want.PackagePage))))
		text := eval[string](t, ctx, `document.body.innerText`)
		if !strings.Contains(text, "packages.Fetch") || strings.Contains(text, "v3.Fetch") {
			t.Errorf("the page names the function by the version suffix, not the package:\n%s", text)
		}
	})
	problems.check(t)
}

// saveScreenshot keeps the screenshot with the test's files, and copies it
// where LEAKHOUND_SCREENSHOT says, or to kept with -update, for a person to
// look at.
func saveScreenshot(t *testing.T, png []byte, kept string) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	dests := []string{filepath.Join(t.TempDir(), "screenshot.png")}
	if p := os.Getenv(envScreenshot); p != "" {
		dests = append(dests, p)
	}
	if golden.Updating() {
		dests = append(dests, kept)
	}
	for _, d := range dests {
		if err := os.WriteFile(d, png, 0o644); err != nil {
			t.Errorf("saving the screenshot: %v", err)
		}
	}
	t.Logf("screenshot saved to %s", strings.Join(dests, ", "))
}

// pages is what the pages must show, as package report's TestBrowserPages
// counts it from the reports it writes.
type pages struct {
	Total, Groups, RealGroups, MutexGroups, SendGroups, PoolGroups, Reasons int
	PackagePage, Screenshot                                                 string
}

// writePages has package report's TestBrowserPages write its report
// directory into dir, and returns what the pages must show.
func writePages(t *testing.T, dir string) pages {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.GoCommand(t), "test", "-count=1", "-run", "^TestBrowserPages$", "./report", "-args", "-browser.pages="+dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("writing the pages: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p pages
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("reading what the pages must show: %v", err)
	}
	return p
}

// longNamePages is what TestBrowserLongNames looks for: the pages' first
// long test name and the package page.
type longNamePages struct {
	LongName, PackagePage string
}

// writeLongNamePages has package report's TestBrowserLongNamePages write
// its pages into dir.
func writeLongNamePages(t *testing.T, dir string) longNamePages {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.GoCommand(t), "test", "-count=1", "-run", "^TestBrowserLongNamePages$", "./report", "-args", "-browser.longpages="+dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("writing the pages: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expect-long.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p longNamePages
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("reading what the pages must show: %v", err)
	}
	return p
}
