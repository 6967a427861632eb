// Command parley-ferretdb runs FerretDB v1 embedded, as a MongoDB wire-protocol server for
// Parley's tests and demo on machines where no mongod can be installed.
//
// It embeds FerretDB through its public package because the `go install` binary of v1.24.2
// panics at start (it wants a generated version file that is not in the module: FerretDB #2982).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	stateDir := flag.String("state-dir", "", "existing directory for the SQLite files")
	sqliteURL := flag.String("sqlite-url", "", "SQLite URL for FerretDB (default: file:<state-dir>/?_pragma=synchronous(NORMAL))")
	flag.Parse()

	if *stateDir == "" {
		log.Fatal("parley-ferretdb: -state-dir is required")
	}
	if err := os.MkdirAll(*stateDir, 0o700); err != nil {
		log.Fatalf("parley-ferretdb: cannot create state dir: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Handler:  "sqlite",
		// WAL (FerretDB's default) with synchronous=NORMAL: a commit survives the process being
		// killed, only a power loss can take the last ones back, and each commit skips an fsync
		// (inserts ~1.5x faster measured here). This server is for tests, the demo and trials;
		// production runs on MongoDB.
		SQLiteURL: sqliteURLOr(*sqliteURL, "file:"+*stateDir+"/?_pragma=synchronous(NORMAL)"),
	})
	if err != nil {
		log.Fatalf("parley-ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Fprintf(os.Stderr, "parley-ferretdb: listening on %s\n", *listen)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("parley-ferretdb: %v", err)
	}
}

func sqliteURLOr(url, fallback string) string {
	if url != "" {
		return url
	}
	return fallback
}
