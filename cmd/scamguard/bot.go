package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/store"
)

// storeOptions are the store's settings, listed with the bot's in --help
// and the README's option table.
var storeOptions = []bot.Option{
	{Env: store.EnvURL, Default: "(embedded, not persisted)", Meaning: "Redis: redis://[user:pass@]host:port/db; ?addr=… adds Cluster nodes, ?master_name=… uses Sentinel. Empty: an in-process store that is lost on restart."},
	{Env: store.EnvAddrs, Meaning: "Comma-separated Redis addresses instead of a URL; more than one means Cluster."},
	{Env: store.EnvPrefix, Default: "sg:", Meaning: "Prefix of every Redis key, to share a server."},
	{Env: store.EnvTTL, Default: "72h", Meaning: "How long a conversation is kept after its last message."},
	{Env: store.EnvWindow, Default: "50", Meaning: "How many messages of a conversation are kept."},
}

// botOptions are every setting `scamguard bot` reads besides its own.
func botOptions() []bot.Option {
	return storeOptions
}

// runBot wires the bot in a straight line: settings, store, classifier and
// catalogue, bot; then runs it until SIGINT or SIGTERM.
func runBot(args []string, stdout, stderr io.Writer) int {
	extra := botOptions()
	cfg, err := bot.ParseConfig(args, os.Getenv, stderr, extra)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, bot.Usage(extra))
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	storeCfg, err := store.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	st, err := store.Open(ctx, storeCfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	defer st.Close()
	e, err := newEngine()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	cat, err := catalog.Load()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	b, err := bot.New(ctx, cfg, bot.Deps{Store: st, Classifier: e.classifier, Replies: e.replies, Catalog: cat, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	log.Info("heuristics only: no LLM configured")
	if err := b.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	return 0
}
