// Command ferretdb serves FerretDB on a loopback port: the MongoDB-wire-compatible document store
// used when MONGODB_URI is not set. It embeds github.com/FerretDB/FerretDB/ferretdb instead of
// building the upstream binary, whose `go install` panics at start (see DESIGN §3).
//
// With -postgresql-url it serves FerretDB's PostgreSQL backend (what the engine uses: concurrent
// writers wait for each other instead of failing, and the engine adds GIN indexes PostgreSQL can
// use for FerretDB's pushed-down filters; see src/db/embeddedIndexes.ts). Without it, the SQLite
// backend under -data (kept only so an older data/ directory can still be read).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL of the backend (e.g. postgres://postgres@127.0.0.1:5432/postgres)")
	dataDir := flag.String("data", "data/ferretdb", "directory for the SQLite database files (without -postgresql-url)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: logger}
	if *postgresURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
	} else {
		dir, err := filepath.Abs(*dataDir)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: data directory %q: %v\n", *dataDir, err)
			os.Exit(1)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + dir + "/"
	}

	f, err := ferretdb.New(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb listening", "addr", *listen, "backend", config.Handler)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
