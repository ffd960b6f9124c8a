module github.com/leakhound/leakhound/examples

go 1.26.0

require (
	github.com/leakhound/leakhound v0.0.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/sync v0.25.0
)

require (
	github.com/google/pprof v0.0.0-20261105003125-4bf881d7fb0b // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/leakhound/leakhound => ../
