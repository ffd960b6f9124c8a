module github.com/leakhound/leakhound/interop

go 1.26.0

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/leakhound/leakhound v0.0.0
	github.com/maruel/panicparse/v2 v2.5.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/google/pprof v0.0.0-20261105003125-4bf881d7fb0b // indirect
)

replace github.com/leakhound/leakhound => ../
