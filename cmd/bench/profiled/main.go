// Profiled is the buurtplein server with Go's profiler, for the load test
// only: the same app as the buurtplein binary (the plugin registry, the
// migrations), plus net/http/pprof on the address in BENCH_PPROF (for
// example 127.0.0.1:6060) when it is set. The product binary has no such
// endpoint.
//
//	go build -o /tmp/profiled ./cmd/bench/profiled
//	BENCH_PPROF=127.0.0.1:6060 go run ./cmd/bench load --binary /tmp/profiled ...
//	go tool pprof -top http://127.0.0.1:6060/debug/pprof/profile?seconds=30
package main

import (
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"

	_ "buurtplein/pb_migrations"
	"buurtplein/plugins"

	"github.com/pocketbase/pocketbase"
)

func main() {
	if addr := os.Getenv("BENCH_PPROF"); addr != "" {
		go func() { log.Println(http.ListenAndServe(addr, nil)) }()
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{})
	plugins.MustRegister(app, plugins.Options{Command: app.RootCmd})
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
