package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// runExport writes the moderators' decided cases of the last 90 days as
// JSON Lines in the corpus schema, so that they become evaluation data
// (`scamguard eval` reads them). It needs the bot's Redis (REDIS_URL).
func runExport(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "scamguard export: takes no arguments; it reads "+store.EnvURL+" and writes JSON Lines to stdout")
		return 2
	}
	opts, err := envSettings(storeOptions, os.Getenv)
	cfg := opts.store
	if err != nil {
		fmt.Fprintf(stderr, "scamguard export: %v\n", err)
		return 2
	}
	if cfg.URL == "" && len(cfg.Addrs) == 0 {
		fmt.Fprintln(stderr, "scamguard export: set "+store.EnvURL+" to the bot's Redis (the embedded store holds no cases)")
		return 2
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "scamguard export: %v\n", err)
		return 1
	}
	defer st.Close()
	n, err := review.New(st, review.Config{}).ExportJSONL(ctx, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "scamguard export: %d decided cases\n", n)
	return 0
}
